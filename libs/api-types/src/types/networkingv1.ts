/**
 * networking.k8s.io/v1: everything `kubernetes-types` 1.30 declares, plus IPAddress and ServiceCIDR,
 * which Kubernetes 1.33 serves in v1 (GA) while the package only has them in v1alpha1. The shapes
 * are the v1alpha1 ones with the v1 apiVersion.
 */
import type { ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1';
import type {
  IPAddressSpec,
  ServiceCIDRSpec,
  ServiceCIDRStatus,
} from 'kubernetes-types/networking/v1alpha1';

export type * from 'kubernetes-types/networking/v1';
export type {
  IPAddressSpec,
  ParentReference,
  ServiceCIDRSpec,
  ServiceCIDRStatus,
} from 'kubernetes-types/networking/v1alpha1';

/** One allocated IP; the name is the address in canonical form. */
export interface IPAddress {
  apiVersion?: 'networking.k8s.io/v1';
  kind?: 'IPAddress';
  metadata?: ObjectMeta;
  spec?: IPAddressSpec;
}

export interface IPAddressList {
  apiVersion?: 'networking.k8s.io/v1';
  kind?: 'IPAddressList';
  metadata?: ListMeta;
  items: IPAddress[];
}

/** A range from which Service cluster IPs are allocated. */
export interface ServiceCIDR {
  apiVersion?: 'networking.k8s.io/v1';
  kind?: 'ServiceCIDR';
  metadata?: ObjectMeta;
  spec?: ServiceCIDRSpec;
  status?: ServiceCIDRStatus;
}

export interface ServiceCIDRList {
  apiVersion?: 'networking.k8s.io/v1';
  kind?: 'ServiceCIDRList';
  metadata?: ListMeta;
  items: ServiceCIDR[];
}

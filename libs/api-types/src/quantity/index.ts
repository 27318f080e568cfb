export { Quantity, parseQuantity, quantityToString, compareQuantities } from './quantity';
export { QuantityFormat } from './suffix';
export { QuantityError, QuantityErrorCode, isQuantityError, quantityErrorMessages } from './errors';

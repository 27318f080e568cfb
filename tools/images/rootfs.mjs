// The file trees of the local cluster's images, taken from this machine's Debian packages:
// busybox-static for pause and busybox, nginx (with the shared libraries ldd reports) for nginx.
// The layouts follow the upstream images where a workload could notice: busybox's applets all
// live in /bin as in docker.io/library/busybox, nginx reads /etc/nginx/conf.d/*.conf and serves
// /usr/share/nginx/html as docker.io/library/nginx does.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

/**
 * @typedef {import('./tar.mjs').TarEntry} TarEntry
 * @typedef {{ busybox: string, nginx: string, mimeTypes: string }} HostPaths
 */

/** Where Debian 12 installs what the images are made of. */
export const DEBIAN_PATHS = { busybox: '/bin/busybox', nginx: '/usr/sbin/nginx', mimeTypes: '/etc/nginx/mime.types' };

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The pause process: a shell that sleeps until SIGTERM or SIGINT, then exits 0. As PID 1 of the
 * pod's PID namespace it must also reap orphans: ash's `wait` collects any child, not only the
 * job it waits for, so zombies do not pile up. Its own sleeper is killed on the way out, so no
 * process outlives it even when it is not PID 1.
 */
export const PAUSE_SCRIPT = "trap 'kill $! 2>/dev/null; exit 0' TERM INT; while :; do /bin/busybox sleep 2147483647 & wait; done";

/** @param {string} p */
function hostFile(p) {
  try {
    return { data: readFileSync(p), mode: statSync(p).mode & 0o7777 };
  } catch (err) {
    throw new Error(`images: cannot read ${p}; is the Debian package that provides it installed?`, { cause: err });
  }
}

/** Directories for every parent of the given paths, so a layer never relies on implicit ones. */
function withParents(entries) {
  const have = new Set(entries.map((e) => e.path));
  const dirs = [];
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!have.has(dir)) {
        have.add(dir);
        dirs.push({ path: dir, type: 'dir', mode: 0o755 });
      }
    }
  }
  return [...entries, ...dirs];
}

/** @param {string} path @param {string} text @param {number} [mode] @returns {TarEntry} */
const textFile = (path, text, mode = 0o644) => ({ path, type: 'file', mode, data: Buffer.from(text) });

/** The version a busybox binary reports (`BusyBox v1.35.0 (...)`). */
export function busyboxVersion(binary = DEBIAN_PATHS.busybox) {
  return versionOf(binary, [], /^BusyBox v(\d+\.\d+\.\d+)/m, 'busybox-static');
}

/** The version an nginx binary reports (`nginx version: nginx/1.22.1`, on stderr). */
export function nginxVersion(binary = DEBIAN_PATHS.nginx) {
  return versionOf(binary, ['-v'], /nginx\/(\d+\.\d+\.\d+)/, 'nginx');
}

function versionOf(binary, args, pattern, debianPackage) {
  const r = spawnSync(binary, args, { encoding: 'utf8' });
  const m = pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (!m) throw new Error(`images: ${binary} printed no version; is Debian's ${debianPackage} package installed?`, { cause: r.error });
  return m[1];
}

/**
 * The shared objects a dynamically linked binary loads, as ldd resolves them on this machine,
 * the dynamic loader included. Copying each one to the path ldd printed reproduces the lookup
 * inside the image: the loader's built-in search path holds those directories.
 * @returns {string[]}
 */
export function sharedLibraries(binary) {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    const resolved = /=>\s*(\/\S+)/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (/=>\s*not found/.test(line)) throw new Error(`images: ${binary} needs a library this machine lacks: ${line.trim()}`);
    const p = resolved?.[1] ?? direct?.[1];
    if (p) libs.push(p);
  }
  if (!libs.length) throw new Error(`images: ldd found no libraries for ${binary}; is it dynamically linked?`);
  return [...new Set(libs)].sort();
}

/** The pause image's one layer: the static busybox and nothing else. */
export function pauseLayer(paths = DEBIAN_PATHS) {
  const bb = hostFile(paths.busybox);
  return withParents([{ path: 'bin/busybox', type: 'file', mode: 0o755, data: bb.data }]);
}

const PASSWD_BASE = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'sync:x:4:100:sync:/bin:/bin/sync',
  'mail:x:8:8:mail:/var/spool/mail:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'operator:x:37:37:Operator:/var:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
];
const GROUP_BASE = [
  'root:x:0:',
  'daemon:x:1:',
  'bin:x:2:',
  'sys:x:3:',
  'adm:x:4:',
  'tty:x:5:',
  'disk:x:6:',
  'wheel:x:10:root',
  'mail:x:8:',
  'www-data:x:33:',
  'operator:x:37:',
  'staff:x:50:',
  'users:x:100:',
  'nogroup:x:65534:',
];
const lines = (l) => l.join('\n') + '\n';

/**
 * The busybox image's layer, which nginx builds on too: /bin/busybox with a symlink per applet
 * (sh, ls, wget, httpd, nslookup, tar for `kubectl cp`...), users and groups, /tmp and /root.
 */
export function busyboxLayer(paths = DEBIAN_PATHS) {
  const bb = hostFile(paths.busybox);
  const applets = execFileSync(paths.busybox, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim())
    // linuxrc is the initrd entry point, not a command; busybox is the binary itself.
    .filter((a) => a && a !== 'busybox' && a !== 'linuxrc' && !a.includes('/'));
  /** @type {TarEntry[]} */
  const entries = [
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: bb.data },
    ...applets.map((a) => /** @type {TarEntry} */ ({ path: `bin/${a}`, type: 'symlink', target: 'busybox' })),
    textFile('etc/passwd', lines(PASSWD_BASE)),
    textFile('etc/group', lines(GROUP_BASE)),
    // Without nsswitch.conf glibc programs (nginx) fall back to defaults that differ by version.
    textFile('etc/nsswitch.conf', lines(['passwd: files', 'group: files', 'shadow: files', 'hosts: files dns', 'networks: files', 'services: files', 'protocols: files'])),
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'home', type: 'dir', mode: 0o755 },
    { path: 'usr/sbin', type: 'dir', mode: 0o755 },
    { path: 'var/spool/mail', type: 'dir', mode: 0o755 },
    { path: 'var/www', type: 'dir', mode: 0o755 },
  ];
  return withParents(entries);
}

/** nginx's main config: the upstream image's, with logs to the container's stdout and stderr. */
export const NGINX_CONF = `user nginx;
worker_processes auto;

error_log stderr notice;
pid /run/nginx.pid;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;

    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log /dev/stdout main;

    sendfile on;
    keepalive_timeout 65;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** The default site, in conf.d so a ConfigMap mounted there replaces it as with the upstream image. */
export const NGINX_DEFAULT_SITE = `server {
    listen 80;
    server_name localhost;

    location / {
        root /usr/share/nginx/html;
        index index.html index.htm;
    }

    error_page 500 502 503 504 /50x.html;
    location = /50x.html {
        root /usr/share/nginx/html;
    }
}
`;

export const NGINX_INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>This nginx runs in a tskube pod, from an image built out of Debian's nginx package.</p>
</body>
</html>
`;

const NGINX_50X_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>The page you are looking for is currently unavailable.</p>
</body>
</html>
`;

/**
 * The nginx layer, on top of busybox's: the binary, its libraries and loader at the paths ldd
 * printed, configuration, the default page, and the directories nginx writes to. The `nginx`
 * user (uid 101, as upstream) runs the workers.
 */
export function nginxLayer(paths = DEBIAN_PATHS) {
  const nginx = hostFile(paths.nginx);
  /** @type {TarEntry[]} */
  const entries = [
    { path: 'usr/sbin/nginx', type: 'file', mode: 0o755, data: nginx.data },
    ...sharedLibraries(paths.nginx).map((lib) => {
      const f = hostFile(lib);
      return /** @type {TarEntry} */ ({ path: lib.slice(1), type: 'file', mode: f.mode & 0o755, data: f.data });
    }),
    // The layer replaces busybox's user and group files whole: an upper layer cannot append.
    textFile('etc/passwd', lines([...PASSWD_BASE, 'nginx:x:101:101:nginx user:/nonexistent:/bin/false'])),
    textFile('etc/group', lines([...GROUP_BASE, 'nginx:x:101:'])),
    textFile('etc/nginx/nginx.conf', NGINX_CONF),
    textFile('etc/nginx/conf.d/default.conf', NGINX_DEFAULT_SITE),
    { path: 'etc/nginx/mime.types', type: 'file', mode: 0o644, data: hostFile(paths.mimeTypes).data },
    textFile('usr/share/nginx/html/index.html', NGINX_INDEX_HTML),
    textFile('usr/share/nginx/html/50x.html', NGINX_50X_HTML),
    // Logs written to these paths by custom configs still reach the container log, as upstream.
    { path: 'var/log/nginx/access.log', type: 'symlink', target: '/dev/stdout' },
    { path: 'var/log/nginx/error.log', type: 'symlink', target: '/dev/stderr' },
    // Debian's build keeps request-body and proxy temp files here; the master creates the subdirectories.
    { path: 'var/lib/nginx', type: 'dir', mode: 0o755 },
    { path: 'var/cache/nginx', type: 'dir', mode: 0o755 },
    { path: 'run', type: 'dir', mode: 0o755 },
  ];
  return withParents(entries);
}

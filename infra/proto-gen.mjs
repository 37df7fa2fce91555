// Generates TypeScript types for every service in proto/ into
// packages/proto/src/generated with @grpc/proto-loader's generator. The loader
// options here and in packages/proto/src/load.ts must agree.
// --check: regenerate into a temp dir and fail if the committed files differ.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const protoDir = join(root, 'proto');
const outDir = join(root, 'packages/proto/src/generated');
// Only gRPC services get generated types; onnx.proto and membership.proto are
// plain message schemas used through protobufjs.
const files = ['kserve/grpc_predict_v2.proto', 'worker.proto', 'coordinator.proto'].filter((f) => {
  try {
    return statSync(join(protoDir, f)).isFile();
  } catch {
    return false;
  }
});
const check = process.argv.includes('--check');
const target = check ? mkdtempSync(join(tmpdir(), 'idunno-proto-')) : outDir;
const bin = join(root, 'packages/proto/node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
if (!check) rmSync(outDir, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    bin,
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--grpcLib=@grpc/grpc-js',
    '--includeDirs',
    protoDir,
    '--outDir',
    target,
    ...files,
  ],
  { stdio: 'inherit' },
);

// The generator writes absolute source paths and extensionless relative
// imports; make the output machine-independent and valid under NodeNext.
for (const f of walk(target)) {
  const text = readFileSync(f, 'utf8')
    .replaceAll(protoDir, 'proto')
    .replace(/from '(\.{1,2}\/[^']+)'/g, "from '$1.js'");
  writeFileSync(f, text);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}
if (check) {
  const a = walk(target)
    .map((f) => relative(target, f))
    .sort();
  const b = walk(outDir)
    .map((f) => relative(outDir, f))
    .sort();
  const stale =
    a.length !== b.length ||
    a.some(
      (f, i) => f !== b[i] || readFileSync(join(target, f), 'utf8') !== readFileSync(join(outDir, f), 'utf8'),
    );
  rmSync(target, { recursive: true, force: true });
  if (stale) {
    console.error('packages/proto/src/generated is out of date: run `pnpm proto:gen` and commit the result.');
    process.exit(1);
  }
  console.log('generated proto types are up to date');
}

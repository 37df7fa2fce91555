// Copies src/lua into dist/lua, so that dist/ is self-contained: scripts.js reads the Lua scripts at
// run time from the `lua/` folder next to itself (src/lua when vitest runs src/*.ts directly,
// dist/lua once built). tsc emits only JavaScript and cannot copy them, so the root `pnpm build`
// runs this right after `tsc -b`; a package-level build script would not run, because the root
// build is one `tsc -b` over every project. The old copy goes first: loadScripts() loads every
// file of the folder, so a script deleted from src/lua must not live on in dist/lua.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('./src/lua/', import.meta.url);
const to = new URL('./dist/lua/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });

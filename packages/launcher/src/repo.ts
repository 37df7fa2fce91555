import { fileURLToPath } from 'node:url';

/**
 * The repository root, with a trailing slash. This file is packages/launcher/{src,dist}/repo.*, so
 * the root is three levels up from either; the programs the launcher starts are paths below it.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

import { readdirSync, readFileSync } from 'node:fs';
import {
  InvalidJobStateError,
  JobExistsError,
  JobNotFoundError,
  LeaseLostError,
  StaleEpochError,
  type StateStoreError,
  StoreBehindError,
  StoreReplyError,
} from './errors.js';
import type { JobState } from './types.js';

/** A Lua script ready for ioredis `defineCommand`. */
export interface LuaScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

// Next to this file: src/lua when vitest runs the sources, dist/lua once built (the root build copies
// src/lua there with copy-lua.mjs), so dist/ runs without src/.
const LUA_DIR = new URL('./lua/', import.meta.url);
const INCLUDE = /^--- @include "([\w-]+)"$/m;

/** Reads every `<name>-<numKeys>.lua` of the scripts folder and pastes its `--- @include` files in. */
export function loadScripts(dir: URL = LUA_DIR): LuaScript[] {
  const scripts: LuaScript[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = /^(\w+)-(\d+)\.lua$/.exec(file);
    if (!match) continue;
    let lua = readFileSync(new URL(file, dir), 'utf8');
    for (let include = INCLUDE.exec(lua); include; include = INCLUDE.exec(lua)) {
      const body = readFileSync(new URL(`includes/${include[1]}.lua`, dir), 'utf8');
      lua = lua.replace(include[0], body);
    }
    scripts.push({ name: match[1]!, numberOfKeys: Number(match[2]), lua });
  }
  return scripts;
}

/** Return codes shared by the scripts (see each script's header and lua/includes/common.lua). */
export const ScriptCode = {
  staleEpoch: -1,
  storeBehind: -2,
  jobNotFound: -3,
  jobExists: -4,
  leaseLost: -5,
  invalidTransition: -6,
} as const;

/** What the caller knew when it ran the script, to fill the typed error's fields. */
export interface ScriptContext {
  operation: string;
  epoch?: number;
  jobId?: string;
  nodeId?: string;
  state?: JobState;
}

/** Checks a script reply's shape: an array whose first element is an integer code. */
export function replyCode(reply: unknown, operation: string): { code: number; rest: unknown[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw new StoreReplyError(operation, reply);
  return { code: reply[0], rest: reply.slice(1) };
}

/** The one place that turns negative script return codes into typed errors; undefined for success codes. */
export function scriptError(
  reply: unknown,
  ctx: ScriptContext,
): StateStoreError | StaleEpochError | undefined {
  const { code, rest } = replyCode(reply, ctx.operation);
  if (code >= 0) return undefined;
  const jobId = ctx.jobId ?? '';
  switch (code) {
    case ScriptCode.staleEpoch:
      return new StaleEpochError(ctx.epoch ?? 0, Number(rest[0]));
    case ScriptCode.storeBehind:
      return new StoreBehindError(ctx.epoch ?? 0, Number(rest[0]));
    case ScriptCode.jobNotFound:
      return new JobNotFoundError(jobId);
    case ScriptCode.jobExists:
      return new JobExistsError(jobId);
    case ScriptCode.leaseLost:
      return new LeaseLostError(ctx.nodeId ?? '', ctx.epoch ?? 0, parseLeaseValue(String(rest[0] ?? '')));
    case ScriptCode.invalidTransition:
      return new InvalidJobStateError(jobId, String(rest[0]) as JobState, ctx.state ?? 'added');
    default:
      return new StoreReplyError(ctx.operation, reply);
  }
}

/** Throws the typed error for a negative code; returns the code and the rest of the reply otherwise. */
export function checkReply(reply: unknown, ctx: ScriptContext): { code: number; rest: unknown[] } {
  const error = scriptError(reply, ctx);
  if (error) throw error;
  return replyCode(reply, ctx.operation);
}

/** The lease key holds `"<epoch> <nodeId>"`; '' (absent) gives null. */
export function parseLeaseValue(value: string): { nodeId: string; epoch: number } | null {
  const space = value.indexOf(' ');
  if (space <= 0) return null;
  return { epoch: Number(value.slice(0, space)), nodeId: value.slice(space + 1) };
}

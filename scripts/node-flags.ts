/**
 * How a service process is run by Node.js, wherever it is started: `npm start` (scripts/start.ts), the benchmark
 * (bench/platform.ts) and the image (the Dockerfile's NODE_OPTIONS, which docker-compose.yml and the Kubernetes
 * manifests use; tests/docker-compose.test.ts holds it to these).
 */

/**
 * V8's young generation of up to 64 MB a semi-space (16 by default). One event fanned out to 10,000 subscribers
 * allocates about 3 KB each (promises, the message, its frame) in one pass of the gateway, all alive until their
 * sockets are written: with 16 MB most of it outlived two scavenges and was copied to the old generation, and
 * garbage collection took about 40 % of the gateway's time while it sent (a CPU profile of the fan-out). With 64 MB
 * it dies young: in the benchmark's fan-out (three runs of three events each way) p99 went from 460–806 ms to
 * 334–483 ms and the gateway's CPU for a whole run from 8.6–10.5 s to 6.1–7.6 s. A semi-space grows to its
 * maximum only while that many objects survive, so a process that never needs it does not take the memory.
 */
export const V8_FLAGS = ['--max-semi-space-size=64'] as const;

const ASYNC_CONTEXT_FRAME = '--experimental-async-context-frame';

/**
 * AsyncLocalStorage (a request's scope, its audit changes, the ORM's request context) carried by V8's continuation
 * data instead of a promise hook on every promise. The hooks took 5-6 % of a subgraph's time serving the 360° query
 * (a CPU profile of service), and with the flag the whole query cost 4.5-8 % less CPU (alternating starts of the
 * platform, ADR 12). Node 22 needs the flag; Node 24 does this by default and no longer knows the flag's name (it
 * would refuse to start), so it is given only to a Node that accepts it.
 */
export const ASYNC_CONTEXT_FLAGS: readonly string[] = process.allowedNodeEnvironmentFlags.has(ASYNC_CONTEXT_FRAME) ? [ASYNC_CONTEXT_FRAME] : [];

/** How every service process runs, from the build or from source. */
export const RUNTIME_FLAGS: readonly string[] = [...ASYNC_CONTEXT_FLAGS, ...V8_FLAGS];

/** The compiled build, as production runs it: the workspace packages resolve to their dist/ (ADR 10). */
export const COMPILED_FLAGS: readonly string[] = ['--enable-source-maps', '--conditions=production', ...RUNTIME_FLAGS];

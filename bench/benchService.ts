/**
 * The service as the cost benchmarks run it (`npm run bench -- w1|cost`): the production app,
 * dependencies and server, bundled like service/server.ts, with three bench-only additions:
 *  - with TASUKI_BENCH_W1_URL set, system.echo's handler is W1's (bench/w1Handler.ts);
 *  - the store's and the queue's methods are counted (bench/operationCounter.ts), and so are
 *    Cloud Tasks deliveries (POST /tasks/run);
 *  - GET /_bench/counts answers those counts and this process's CPU time.
 * Nothing here is part of the product bundle (scripts/build-service.ts builds service/server.ts).
 */
import { createServer } from 'node:http';
import { createApp } from '../service/app.js';
import { loadConfig } from '../service/config.js';
import { buildDeps } from '../service/deps.js';
import { HANDLER_LOADERS, handlerRegistry } from '../service/jobs/registry.js';
import { createLogger } from '../service/logger.js';
import { createCloudTasksQueue } from '../service/queue/cloudTasksQueue.js';
import { createStore } from '../service/store/createStore.js';
import { countCalls, type CallCounts } from './operationCounter.js';
import { w1Handler } from './w1Handler.js';

/** Store methods that reach the database (public job methods, the raw document operations). */
export const STORE_OPERATIONS = [
  'createJob', 'getJob', 'updateJob', 'listJobs', 'listUnsettledJobs', 'deleteDoc',
  'rawPutIfAbsent', 'rawGetDoc', 'rawUpdateDoc', 'rawQueryDocs',
] as const;
export const QUEUE_OPERATIONS = ['enqueue', 'cancel', 'exists', 'ensureQueue'] as const;

export type BenchCounts = { store: CallCounts; queue: CallCounts; deliveries: number; cpuMs: number };

const config = loadConfig();
const log = createLogger({ level: config.logLevel });
const w1Url = process.env.TASUKI_BENCH_W1_URL;
const counts: BenchCounts = { store: {}, queue: {}, deliveries: 0, cpuMs: 0 };
const store = createStore(config, log);
countCalls(store, STORE_OPERATIONS, counts.store);
const queue = createCloudTasksQueue(config, log);
countCalls(queue, QUEUE_OPERATIONS, counts.queue);
const handlers = handlerRegistry(w1Url ? { ...HANDLER_LOADERS, 'system.echo': async () => w1Handler(w1Url) } : HANDLER_LOADERS);
const deps = await buildDeps(config, log, { store, queue, handlers });
const app = createApp(deps);
const server = createServer((req, res) => {
  if (req.url === '/_bench/counts') {
    const cpu = process.cpuUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ...counts, cpuMs: (cpu.user + cpu.system) / 1000 }));
    return;
  }
  if (req.method === 'POST' && req.url === '/tasks/run') counts.deliveries += 1;
  app(req, res);
});
server.listen(config.port, () => {
  void deps.warm();
  void queue.warm();
  void (async () => {
    for (let wait = 200; ; wait = Math.min(wait * 2, 5000)) {
      try {
        return await queue.ensureQueue();
      } catch {
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  })();
});
process.on('SIGTERM', () => process.exit(0));

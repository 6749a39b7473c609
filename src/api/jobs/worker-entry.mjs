// Entry of a job's worker thread. Worker threads do not inherit the main thread's TypeScript
// loader, so this plain-JS file registers tsx and then loads the job module named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
const mod = await import(workerData.module);
await mod.runInWorker(workerData.input);

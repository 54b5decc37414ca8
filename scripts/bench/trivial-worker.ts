import { NativeConnection, Worker } from '@temporalio/worker';

/** The baseline workflow's worker, in a process of its own so that its CPU is read apart from the engine's worker. */
export const TRIVIAL_TASK_QUEUE = 'bench-trivial';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    taskQueue: TRIVIAL_TASK_QUEUE,
    workflowsPath: require.resolve('./trivial-workflow'),
    maxCachedWorkflows: 10_000,
  });
  process.on('SIGTERM', () => worker.shutdown());
  process.stdout.write(`polling task queue ${TRIVIAL_TASK_QUEUE}\n`);
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  void main().catch((err) => {
    process.stderr.write(`trivial worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type JobReport, JobsResponseSchema } from '../schemas/jobs.ts';

/** Reads the running jobs' reports, once per request (e.g. `jobReports(...)` of services/server). */
export type JobsReporter = () => readonly JobReport[] | Promise<readonly JobReport[]>;

/** Options of {@link jobsRoutes}. */
export interface JobsRoutesOptions {
  readonly jobs: JobsReporter;
}

/**
 * `GET /api/jobs`: each running job's counters (records in, results out, late, dead letters), its
 * sources and operators with their watermarks and lag, checkpoint statistics, backpressure and the
 * TensorFlow.js backend in use. What the engine dashboard polls.
 *
 * @example
 * await app.register(jobsRoutes, { jobs: () => [jobReport({ job, deadLetters: () => 0, now: Date.now() })] });
 * // GET /api/jobs → {"jobs":[{"name":"window-aggregates","state":"running","recordsIn":1200,...}]}
 */
export const jobsRoutes: FastifyPluginAsyncTypebox<JobsRoutesOptions> = async (app, options) => {
  app.get('/api/jobs', { schema: { response: { 200: JobsResponseSchema } } }, async () => ({
    jobs: [...(await options.jobs())],
  }));
};

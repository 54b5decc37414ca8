import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { describeError } from '../../../libs/logging/src';

/**
 * Every activity failure leaves the worker as its facts only (name, code, SQLSTATE). The SDK logs a
 * failing activity's error with all its fields, and Temporal keeps its message in the history: a
 * TypeORM QueryFailedError carries the statement's parameters (names, facts) in both. ApplicationFailures
 * are the activities' own, already written without values; cancellations pass as they are.
 */
export function sanitizeActivityError(err: unknown): unknown {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  const safe = new Error(describeError(err));
  // The failure's type in the workflow stays the error's name, so retry policies and handlers see the same type.
  safe.name = err instanceof Error ? err.name : 'Error';
  return safe;
}

export const sanitizingActivityInterceptors: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw sanitizeActivityError(err);
      }
    },
  },
});

import { describe, expect, it } from 'vitest';
import {
  classifyWriteFailure,
  describeWriteFailure,
  PointsRefusedError,
} from '../../../../services/connectors/influx/influx-write-failure.ts';

/** The shape of the influx client's RequestError: the response hangs off `res`. */
function requestError(status: number, body: string): Error {
  return Object.assign(new Error(`A ${status} Bad Request error occurred: ${body}`), {
    res: { statusCode: status },
  });
}

describe('classifyWriteFailure', () => {
  it('retries network errors, timeouts and server errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyWriteFailure(refused)).toEqual({
      kind: 'transient',
      reason: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(classifyWriteFailure(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toEqual(
      {
        kind: 'transient',
        reason: 'ECONNREFUSED',
      },
    );
    expect(classifyWriteFailure(new Error('Request timed out')).kind).toBe('transient');
    expect(classifyWriteFailure(Object.assign(new Error('down'), { statusCode: 503 })).kind).toBe(
      'transient',
    );
    for (const status of [401, 403, 408, 429]) {
      expect(classifyWriteFailure(requestError(status, '{"error":"x"}')).kind).toBe('transient');
    }
  });

  it('drops 4xx answers that cannot succeed, with the server reason and the dropped count', () => {
    const conflict = requestError(
      400,
      '{"error":"partial write: field type conflict: input field \\"count\\" on measurement \\"window_agg\\" is type float, already exists as type integer dropped=2"}\n',
    );
    const failure = classifyWriteFailure(conflict);
    expect(failure).toEqual({
      kind: 'permanent',
      status: 400,
      reason:
        'partial write: field type conflict: input field "count" on measurement "window_agg" is type float, already exists as type integer dropped=2',
      droppedPoints: 2,
    });
    expect(describeWriteFailure(failure)).toMatch(/^HTTP 400: partial write: field type conflict/);
    expect(classifyWriteFailure(requestError(413, 'too large')).kind).toBe('permanent');
  });

  it('recognises a missing database, and other 404s as transient', () => {
    expect(classifyWriteFailure(requestError(404, '{"error":"database not found: \\"x\\""}')).kind).toBe(
      'missing-database',
    );
    expect(classifyWriteFailure(requestError(404, '404 page not found')).kind).toBe('transient');
  });

  it('never retries points the client refused before sending', () => {
    const failure = classifyWriteFailure(new PointsRefusedError(new Error('Extraneous fields detected')));
    expect(failure.kind).toBe('permanent');
    expect(failure.reason).toMatch(/refused the points before sending them: Extraneous fields/);
  });

  it('copes with non-Error rejections', () => {
    expect(classifyWriteFailure('boom')).toEqual({ kind: 'transient', reason: 'boom' });
    expect(classifyWriteFailure(undefined)).toEqual({ kind: 'transient', reason: 'undefined' });
  });
});

import { createHash } from 'node:crypto';
import type { Transformation } from '../../graph/transformation.ts';

/**
 * The stable id an operator's (or source's, or sink's) state is stored under in checkpoints
 * (`OperatorContext.uid`): the uid the user set on the transformation (`DataStream.uid(name)`),
 * else `<name>#<position>` for an operator and `<kind>#<position>` for a source or a sink (a
 * bound source or sink has another name in a worker's stand-in). The position is the order in
 * which the job's builder calls made the nodes, so the same job code gives the same uids in every
 * run, in every thread and at every parallelism; changing the job's shape (a step added before
 * another) changes them, and a restore then names the state it cannot place: give stateful steps
 * a uid of their own to keep them stable.
 *
 * @example
 * operatorUid({ id: 3, kind: 'operator', name: 'window(10s)', ... }); // 'window(10s)#3'
 * operatorUid({ id: 0, kind: 'source', name: 'events', ... });        // 'source#0'
 * operatorUid({ id: 5, kind: 'operator', name: 'map', uid: 'enrich', ... }); // 'enrich'
 */
export function operatorUid(node: Pick<Transformation, 'id' | 'kind' | 'name' | 'uid'>): string {
  if (node.uid !== undefined && node.uid !== '') return node.uid;
  return node.kind === 'operator' ? `${node.name}#${node.id}` : `${node.kind}#${node.id}`;
}

/** Every uid of a plan that can hold state (sources, operators, sinks); refuses duplicates. */
export function planUids(transformations: readonly Transformation[]): string[] {
  const uids = new Map<string, Transformation>();
  for (const node of transformations) {
    if (node.kind === 'partition' || node.kind === 'side-output') continue;
    const uid = operatorUid(node);
    const other = uids.get(uid);
    if (other) {
      throw new Error(
        `${describeNode(other)} and ${describeNode(node)} have the same uid "${uid}": give each a distinct uid (DataStream.uid)`,
      );
    }
    uids.set(uid, node);
  }
  return [...uids.keys()];
}

/** Identifies a job's shape in manifests: a hash of its uids in plan order. */
export function planFingerprint(uids: readonly string[]): string {
  return createHash('sha256').update(uids.join('\n')).digest('hex').slice(0, 16);
}

/** `operator "window(10s)" (node 3)`, for errors naming a node. */
export function describeNode(node: Pick<Transformation, 'id' | 'kind' | 'name'>): string {
  return `${node.kind} "${node.name}" (node ${node.id})`;
}

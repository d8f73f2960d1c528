import { CST, Lexer } from 'yaml';

/** Most `[ ]` / `{ }` a job file may nest (a job needs three or four). */
export const MAX_FLOW_NESTING = 32;
/** Widest indentation a job file may have, in columns (a job needs a dozen or two). */
export const MAX_INDENT_COLUMNS = 128;
/** Most block indicators (`- `, `? `, `: `) one line may hold (`- - - x`). */
export const MAX_INDICATORS_PER_LINE = 16;

/** Where a YAML text nests too deeply to be a job file, and how. */
export interface NestingProblem {
  /** Offset in the text of the token that went past the limit. */
  readonly offset: number;
  readonly message: string;
}

/**
 * Checks how deeply a YAML text nests *before* it is parsed: the yaml package builds documents
 * recursively, and 2,000 unclosed `[` are enough to exhaust the stack (V8 then aborts the whole
 * process, not just the parse). Runs the package's lexer, which is iterative and linear, and bounds
 * flow nesting exactly and block nesting from above (indentation width plus indicators on a line),
 * so what passes nests at most a few hundred levels. Quoted text, comments and block scalars count
 * for nothing.
 *
 * @example
 * yamlNestingProblem('windows: [{ type: tumbling }]\n'); // undefined
 * yamlNestingProblem('['.repeat(5000));                   // { offset: 32, message: 'nests [ ] or { } more than 32 deep' }
 */
export function yamlNestingProblem(text: string): NestingProblem | undefined {
  let offset = 0;
  let flow = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  let scalarContent = false;
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    // The lexer's control tokens (document start, flow error end, scalar marker) are not in the text.
    if (token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR) offset += token.length;
    if (scalarContent) {
      // The token after a scalar marker is the scalar's source, whatever it starts with.
      scalarContent = false;
      lineStart = false;
      continue;
    }
    if (token === CST.SCALAR) {
      scalarContent = true;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'doc-mode' || type === 'byte-order-mark') continue;
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (type === 'space' && lineStart) {
      indent = token.length;
      if (flow === 0 && indent > MAX_INDENT_COLUMNS) {
        return { offset: at, message: `is indented more than ${MAX_INDENT_COLUMNS} columns` };
      }
      lineStart = false;
      continue;
    }
    lineStart = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      flow++;
      if (flow > MAX_FLOW_NESTING) {
        return { offset: at, message: `nests [ ] or { } more than ${MAX_FLOW_NESTING} deep` };
      }
    } else if (type === 'flow-seq-end' || type === 'flow-map-end' || type === 'flow-error-end') {
      flow = Math.max(0, flow - 1);
    } else if (
      flow === 0 &&
      (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')
    ) {
      indicators++;
      if (indicators > MAX_INDICATORS_PER_LINE) {
        return {
          offset: at,
          message: `has more than ${MAX_INDICATORS_PER_LINE} nested '- ', '? ' or ': ' on one line`,
        };
      }
    } else if (type === 'doc-start' || type === 'doc-end') {
      flow = 0;
    }
  }
  return undefined;
}

/** Most levels a job's value may nest once aliases are resolved. */
export const MAX_VALUE_NESTING = 64;

/** One list or map being walked by {@link valueNestingProblem}. */
interface Frame {
  readonly node: object;
  readonly children: readonly unknown[];
  next: number;
  /** Deepest child finished so far. */
  deepest: number;
}

/**
 * Why a parsed job value cannot be checked, or `undefined`: an alias inside its own anchor
 * (`a: &x [*x]`) makes it contain itself, and anchored values used inside each other can nest far
 * deeper than the text. Walks without recursion, each shared value once.
 *
 * @example
 * const loop: unknown[] = []; loop.push(loop);
 * valueNestingProblem({ windows: loop }); // 'holds itself: an alias (*name) is inside the value its anchor (&name) marks'
 * valueNestingProblem({ windows: [] });   // undefined
 */
export function valueNestingProblem(value: unknown, maxDepth = MAX_VALUE_NESTING): string | undefined {
  if (!isContainer(value)) return undefined;
  const depths = new Map<object, number>();
  const onPath = new Set<object>([value]);
  const stack: Frame[] = [frameOf(value)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (!isContainer(child)) continue;
      if (onPath.has(child)) {
        return 'holds itself: an alias (*name) is inside the value its anchor (&name) marks';
      }
      const known = depths.get(child);
      if (known !== undefined) {
        top.deepest = Math.max(top.deepest, known);
      } else if (stack.length >= maxDepth) {
        return `nests more than ${maxDepth} levels deep (counting what its aliases repeat)`;
      } else {
        onPath.add(child);
        stack.push(frameOf(child));
      }
      continue;
    }
    stack.pop();
    onPath.delete(top.node);
    const depth = top.deepest + 1;
    depths.set(top.node, depth);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.deepest = Math.max(parent.deepest, depth);
  }
  return undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function frameOf(node: object): Frame {
  const children = Array.isArray(node)
    ? node
    : node instanceof Map
      ? [...node.values()]
      : node instanceof Set
        ? [...node]
        : Object.values(node);
  return { node, children, next: 0, deepest: 0 };
}

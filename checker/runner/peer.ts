/**
 * One side of the channel between the checker and the process that hosts the
 * learner's code. Data crosses as a copy; anything with behaviour stays where
 * it lives and the other side gets a stub: a function becomes an async
 * function that calls back, an object with methods an object whose methods
 * do. So the learner's code holds no checker object, only stubs of the few
 * methods it was meant to use, and the checker holds stubs of the learner's.
 * A reference handed back arrives as the original object.
 */
import { remoteFormOf, type RemoteForm } from './remote-forms.js';

const TAG = '__dtlRemote';

interface RefWire {
  [TAG]: 'ref';
  id: number;
  callable: boolean;
  methods: string[];
  props: Record<string, unknown>;
}
interface ErrorWire {
  [TAG]: 'error';
  name: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
}
type Wire = RefWire | ErrorWire | { [TAG]: 'yours'; id: number } | { [TAG]: 'form'; id: number; form: RemoteForm };

export type PeerMessage =
  { type: 'rpc'; call: number; ref: number; method?: string; args: unknown[] } | { type: 'rpc-reply'; call: number; ok: boolean; value: unknown };

export interface PeerOptions {
  /** Opens the thing a portable form describes (only the learner's side receives forms). */
  buildForm?: (form: RemoteForm) => Promise<unknown>;
  /** Keep the sender's stack on errors that arrive (the checker does, to name the learner's line); otherwise errors are rebuilt here. */
  keepRemoteStack: boolean;
}

const exposed = new WeakMap<object, readonly string[]>();

/** The methods of `value` the other side may call (default: all of them). The rest stay out of its reach. */
export function exposeOnly<T extends object>(value: T, methods: readonly string[]): T {
  exposed.set(value, methods);
  return value;
}

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Values structured clone copies faithfully. */
const isCopiedData = (value: object) =>
  value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Map || value instanceof Set;

function methodNames(value: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = value; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}

function dataProps(value: object): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || ['string', 'number', 'boolean', 'undefined', 'bigint'].includes(typeof v)) props[key] = v;
  }
  return props;
}

export class PeerClosed extends Error {}

export class Peer {
  private nextId = 1;
  private nextCall = 1;
  private readonly owned = new Map<number, unknown>();
  /** For each reference handed out, the methods the other side was told of: the only ones it may call. */
  private readonly callable = new Map<number, ReadonlySet<string | undefined>>();
  private readonly ownedIds = new WeakMap<object, number>();
  private readonly stubs = new Map<number, unknown>();
  private readonly stubIds = new WeakMap<object, number>();
  private readonly forms = new Map<number, Promise<unknown>>();
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (reason: unknown) => void }>();
  private closed: Error | undefined;

  constructor(
    private readonly post: (message: PeerMessage) => void,
    private readonly options: PeerOptions,
  ) {}

  private own(value: object, methods: ReadonlyArray<string | undefined> = []): number {
    let id = this.ownedIds.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ownedIds.set(value, id);
      this.owned.set(id, value);
      this.callable.set(id, new Set(methods));
    }
    return id;
  }

  /** A value as it crosses: copied data, with references in place of anything that has behaviour. */
  marshal(value: unknown, seen: Set<object> = new Set()): unknown {
    if (typeof value === 'symbol') return String(value);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    const stubId = this.stubIds.get(value);
    if (stubId !== undefined) return { [TAG]: 'yours', id: stubId } satisfies Wire;
    const form = remoteFormOf(value);
    if (form) return { [TAG]: 'form', id: this.own(value), form } satisfies Wire;
    if (typeof value === 'function') return { [TAG]: 'ref', id: this.own(value, [undefined]), callable: true, methods: [], props: {} } satisfies Wire;
    if (value instanceof Error) return errorWire(value);
    if (isCopiedData(value)) return value;
    if (seen.has(value)) throw new TypeError('a value with a circular reference cannot be passed between the checker and the exercise');
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => this.marshal(item, seen));
      if (isPlain(value)) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) out[key] = this.marshal(item, seen);
        return out;
      }
    } finally {
      seen.delete(value);
    }
    const methods = exposed.get(value) ?? methodNames(value);
    const props = exposed.has(value) ? {} : dataProps(value);
    return { [TAG]: 'ref', id: this.own(value, methods), callable: false, methods: [...methods], props } satisfies Wire;
  }

  async unmarshal(wire: unknown): Promise<unknown> {
    if (wire === null || typeof wire !== 'object') return wire;
    if (Array.isArray(wire)) return Promise.all(wire.map((item) => this.unmarshal(item)));
    if (!isPlain(wire)) return wire;
    const tagged = wire as Wire;
    const tag = (wire as Record<string, unknown>)[TAG];
    if (tag === undefined) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(wire)) out[key] = await this.unmarshal(item);
      return out;
    }
    switch (tagged[TAG]) {
      case 'yours': {
        if (!this.owned.has(tagged.id)) throw new TypeError('a reference came back that this side never handed out');
        return this.owned.get(tagged.id);
      }
      case 'ref':
        return this.stub(tagged);
      case 'error':
        return this.rebuild(tagged);
      case 'form': {
        let built = this.forms.get(tagged.id);
        if (!built) {
          const build = this.options.buildForm;
          built = build ? build(tagged.form) : Promise.reject(new TypeError('this side cannot open a portable form'));
          this.forms.set(tagged.id, built);
        }
        return built;
      }
    }
    throw new TypeError(`an unknown kind of value arrived: ${String(tag)}`);
  }

  private stub(wire: RefWire): unknown {
    const known = this.stubs.get(wire.id);
    if (known) return known;
    const call =
      (method?: string) =>
      (...args: unknown[]) =>
        this.request(wire.id, method, args);
    let stub: object;
    if (wire.callable) stub = call();
    else {
      const methods: Record<string, unknown> = { ...wire.props };
      for (const name of wire.methods) methods[name] = call(name);
      stub = methods;
    }
    this.stubs.set(wire.id, stub);
    this.stubIds.set(stub, wire.id);
    return stub;
  }

  private rebuild(wire: ErrorWire): Error {
    const error = new Error(wire.message);
    error.name = wire.name;
    if (this.options.keepRemoteStack && wire.stack) error.stack = wire.stack;
    Object.assign(error, wire.props);
    return error;
  }

  /** Calls a reference the other side owns (`ref` 0 is nothing; ids start at 1). */
  request(ref: number, method: string | undefined, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    let marshalled: unknown[];
    try {
      marshalled = args.map((arg) => this.marshal(arg));
    } catch (err) {
      return Promise.reject(err);
    }
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      try {
        this.post({ type: 'rpc', call, ref, method, args: marshalled });
      } catch (err) {
        this.pending.delete(call);
        reject(err);
      }
    });
  }

  /** Handles one message from the other side: a call to run here, or the answer to one of ours. */
  async handle(message: PeerMessage): Promise<void> {
    if (message.type === 'rpc-reply') {
      const waiting = this.pending.get(message.call);
      if (!waiting) return;
      this.pending.delete(message.call);
      try {
        const value = await this.unmarshal(message.value);
        if (message.ok) waiting.resolve(value);
        else waiting.reject(value);
      } catch (err) {
        waiting.reject(err);
      }
      return;
    }
    let reply: PeerMessage;
    try {
      const target = this.owned.get(message.ref) as Record<string, unknown> | ((...args: unknown[]) => unknown) | undefined;
      if (target === undefined) throw new TypeError('a call reached a reference this side never handed out');
      // A message written by hand may name any method; only those handed out can be called.
      if (!this.callable.get(message.ref)?.has(message.method)) throw new TypeError(`${message.method ?? 'the value'} is not a function`);
      const args = (await this.unmarshal(message.args)) as unknown[];
      const fn = message.method === undefined ? target : (target as Record<string, unknown>)[message.method];
      if (typeof fn !== 'function') throw new TypeError(`${message.method ?? 'the value'} is not a function`);
      const value = await (fn as (...a: unknown[]) => unknown).apply(target, args);
      reply = { type: 'rpc-reply', call: message.call, ok: true, value: this.marshal(value) };
    } catch (err) {
      reply = { type: 'rpc-reply', call: message.call, ok: false, value: this.marshalThrown(err) };
    }
    try {
      this.post(reply);
    } catch (err) {
      if (this.closed) return;
      // The value could not be copied (a symbol key, a function inside a Map): say so instead of leaving the caller waiting.
      this.post({
        type: 'rpc-reply',
        call: message.call,
        ok: false,
        value: errorWire(new TypeError(`the value could not be passed back: ${(err as Error).message}`)),
      });
    }
  }

  private marshalThrown(err: unknown): unknown {
    try {
      return this.marshal(err);
    } catch {
      return String(err);
    }
  }

  /** The other side is gone: every call waiting for it fails with `reason`, and so does every later one. */
  close(reason: Error): void {
    this.closed = reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}

function errorWire(error: Error): ErrorWire {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) props[key] = value;
  }
  return { [TAG]: 'error', name: error.name, message: error.message, stack: error.stack, props };
}

// The shape of the conformance server's handlers: unary ones answer a message (or throw a
// Refusal), streaming ones yield messages and may throw a Refusal after some of them.

import type { CallContext, Mutations, World } from '../state.js';
import type { Message } from '../wire.js';

export type Unary = (request: Message, context: CallContext) => Message;
export type Streaming = (request: Message, context: CallContext) => AsyncIterable<Message>;

export interface Handlers {
  unary?: Record<string, Unary>;
  streaming?: Record<string, Streaming>;
}

export interface Deps {
  readonly world: World;
  readonly mutations: Mutations;
}

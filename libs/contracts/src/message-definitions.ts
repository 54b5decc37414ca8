import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';

// Message definitions as the workflow SDK's defineUpdate/defineQuery/defineSignal make them (a type
// and a name), built here so that the contracts load no SDK module: the API's gateway and the
// workflows share them, and neither reaches into the other.

export function defineUpdate<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): UpdateDefinition<Ret, Args, Name> {
  return { type: 'update', name } as UpdateDefinition<Ret, Args, Name>;
}

export function defineQuery<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): QueryDefinition<Ret, Args, Name> {
  return { type: 'query', name } as QueryDefinition<Ret, Args, Name>;
}

export function defineSignal<Args extends unknown[] = [], Name extends string = string>(name: Name): SignalDefinition<Args, Name> {
  return { type: 'signal', name } as SignalDefinition<Args, Name>;
}

import type { StepSpec } from './step.spec.ts';

/**
 * Every step kind Causeway knows, in the order the docs list them. Registration is this explicit
 * list, not import side effects: what is here is what flows can use.
 */
export const steps: StepSpec<any>[] = [];

const byKind = new Map(steps.map((spec) => [spec.kind, spec]));

export function stepSpec(kind: string): StepSpec<any> | undefined {
  return byKind.get(kind);
}

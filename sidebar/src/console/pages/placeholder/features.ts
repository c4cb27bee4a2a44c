// Areas no issue has built yet, with what each will do. They all show one honest placeholder.

export interface PlannedFeature {
  name: string;
  /** Path under the layout, without the leading slash. */
  path: string;
  title: string;
  description: string;
}

export const PLANNED_FEATURES: PlannedFeature[] = [];

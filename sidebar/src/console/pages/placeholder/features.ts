// Areas no issue has built yet, with what each will do. They all show one honest placeholder.

export interface PlannedFeature {
  name: string;
  /** Path under the layout, without the leading slash. */
  path: string;
  title: string;
  description: string;
}

export const PLANNED_FEATURES: PlannedFeature[] = [
  {
    name: "reports",
    path: "reports",
    title: "报表",
    description: "按门店和导购查看会员入企微率、导购活跃度、任务完成率、活码与活动效果和会员指标，并导出 Excel。",
  },
];

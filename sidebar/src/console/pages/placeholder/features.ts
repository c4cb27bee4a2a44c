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
    name: "tasks",
    path: "tasks",
    title: "任务",
    description: "为导购生成生日关怀、沉默会员召回、权益即将过期提醒等任务，导购在侧边栏完成，这里查看各门店、各导购的完成情况。",
  },
  {
    name: "reports",
    path: "reports",
    title: "报表",
    description: "按门店和导购查看会员入企微率、导购活跃度、任务完成率、活码与活动效果和会员指标，并导出 Excel。",
  },
];

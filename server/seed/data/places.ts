/** Projects (小区), their cities and telephone facts for the demo data. */

export interface ProjectSeed {
  name: string;
  city: string;
  /** Long-distance prefix with the trunk 0, e.g. "021". */
  areaCode: string;
  /** Local landline digits in that city. */
  localDigits: 7 | 8;
  /** The service-desk hotline residents dial. */
  hotline: string;
}

/** The first three are the small demo; the large one uses more. */
// prettier-ignore
export const PROJECTS: readonly ProjectSeed[] = [
  { name: '锦绣华庭', city: '上海', areaCode: '021', localDigits: 8, hotline: '021-6888 1200' },
  { name: '翠湖天地', city: '杭州', areaCode: '0571', localDigits: 8, hotline: '0571-8689 3300' },
  { name: '阳光海岸花园', city: '深圳', areaCode: '0755', localDigits: 8, hotline: '0755-2663 5500' },
  { name: '御景湾', city: '上海', areaCode: '021', localDigits: 8, hotline: '021-5077 2100' },
  { name: '金桂苑', city: '苏州', areaCode: '0512', localDigits: 8, hotline: '0512-6656 0800' },
  { name: '枫林绿洲', city: '南京', areaCode: '025', localDigits: 8, hotline: '025-8436 7700' },
  { name: '滨江一号', city: '杭州', areaCode: '0571', localDigits: 8, hotline: '0571-8760 1900' },
  { name: '紫荆城', city: '广州', areaCode: '020', localDigits: 8, hotline: '020-3859 4400' },
  { name: '香樟园', city: '成都', areaCode: '028', localDigits: 8, hotline: '028-8533 6100' },
  { name: '碧水云天', city: '北京', areaCode: '010', localDigits: 8, hotline: '010-8457 2600' },
  { name: '东方明珠苑', city: '上海', areaCode: '021', localDigits: 8, hotline: '021-6432 9800' },
  { name: '世纪花城', city: '深圳', areaCode: '0755', localDigits: 8, hotline: '0755-8621 3000' },
];

/** Mainland mobile number prefixes (three digits), weighted roughly by how common they are. */
// prettier-ignore
export const MOBILE_PREFIXES: readonly (readonly [string, number])[] = [
  ['138', 9], ['139', 10], ['137', 6], ['136', 6], ['135', 6], ['134', 3], ['150', 5], ['151', 4], ['152', 3],
  ['157', 2], ['158', 5], ['159', 5], ['182', 3], ['183', 2], ['187', 4], ['188', 4], ['178', 2], ['198', 2],
  ['130', 3], ['131', 3], ['132', 3], ['155', 3], ['156', 3], ['185', 3], ['186', 5], ['176', 2], ['166', 1],
  ['133', 3], ['153', 2], ['180', 3], ['181', 3], ['189', 4], ['177', 2], ['173', 1], ['199', 2], ['191', 1],
  ['195', 1], ['147', 1], ['145', 1],
];

/** Mobile numbers of people calling the desk who are not (yet) in the resident list come from other cities too. */
export const OTHER_AREA_CODES = ['010', '020', '021', '022', '023', '024', '025', '027', '028', '029', '0571', '0755'];

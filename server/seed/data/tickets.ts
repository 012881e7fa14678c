/**
 * Ticket texts for the demo data: templates per type and category, filled from slots. `{name}` is replaced by a
 * per-ticket fact (unit, building, floor, upUnit, downUnit, entrance, tech, amount, month, date, year, n) or,
 * failing that, a pick from SLOTS that then holds for the whole ticket (title, description and work log agree).
 */
import type { Category, Channel, TicketType } from '../../../common/domain';

export interface TicketTemplate {
  type: TicketType;
  category: Category;
  /** Relative frequency within its type. */
  weight: number;
  /** Priority class → weight. */
  priority: readonly (readonly [number, number])[];
  /** Public area (lift, corridor, car park): reported by anyone, sometimes by patrol. */
  common?: boolean;
  /** Title and description pairs. */
  variants: readonly (readonly [title: string, description: string])[];
}

/** Share of each ticket type (per cent). */
export const TYPE_WEIGHTS: readonly (readonly [TicketType, number])[] = [
  ['repair', 55],
  ['complaint', 15],
  ['enquiry', 15],
  ['suggestion', 3],
  ['praise', 2],
  ['fee', 10],
];

/** Where tickets of each type come from (per cent); patrol only finds public-area faults. */
// prettier-ignore
export const CHANNELS_BY_TYPE: Record<TicketType, readonly (readonly [Channel, number])[]> = {
  repair: [['phone', 50], ['wechat', 20], ['app', 15], ['walk_in', 7], ['kiosk', 3], ['patrol', 5]],
  complaint: [['phone', 55], ['wechat', 22], ['app', 13], ['walk_in', 8], ['kiosk', 2]],
  enquiry: [['phone', 48], ['wechat', 18], ['app', 12], ['walk_in', 16], ['kiosk', 6]],
  suggestion: [['phone', 30], ['wechat', 30], ['app', 25], ['walk_in', 10], ['kiosk', 5]],
  praise: [['phone', 35], ['wechat', 30], ['app', 20], ['walk_in', 15]],
  fee: [['phone', 70], ['wechat', 10], ['app', 10], ['walk_in', 10]],
};

// prettier-ignore
export const SLOTS: Record<string, readonly string[]> = {
  place: ['卫生间', '主卧卫生间', '客卫', '厨房', '阳台', '客厅', '次卧', '餐厅'],
  wetPlace: ['卫生间', '主卧卫生间', '客卫', '厨房', '阳台'],
  time: ['今天早上', '今天上午', '中午', '昨晚', '昨天夜里', '刚才', '半小时前', '下午三点左右', '晚上八点多', '凌晨', '这两天'],
  leakDetail: ['水一直往下滴', '已经用盆接水', '吊顶有水渍并且鼓包', '墙面发霉起皮', '灯具附近在滴水', '顺着墙角往下流'],
  pipe: ['进水管', '热水管', '冷水管', '角阀接口', '水表后面的管子', '洗衣机进水管接头'],
  drain: ['厨房下水', '卫生间地漏', '洗手盆下水', '阳台地漏', '马桶', '淋浴房地漏'],
  fixture: ['水龙头', '角阀', '花洒', '水槽下水管', '马桶进水阀'],
  sound: ['电钻声', '敲击声', '拖拽家具的声音', '音响声', '狗叫声', '小孩跑跳声', '麻将声'],
  noiseTime: ['晚上十一点以后', '凌晨一点多', '早上七点前', '中午午休时间', '每天晚上十点左右', '周末一大早'],
  days: ['两天', '三天', '一周', '好几天', '半个月'],
  liftFault: ['运行时有异响', '门关不上', '按钮失灵', '平层不准，有高差', '频繁停运', '显示屏不亮', '运行时晃动明显'],
  socketPlace: ['厨房', '卧室', '客厅', '卫生间', '书房'],
  accessFault: ['刷卡没反应', '人脸识别一直失败', '可视对讲没有声音', '门锁吸不住', '闭门器坏了，门关不严', '密码开门失灵'],
  parkingIssue: ['私家车位被他人占用', '消防通道上停满了车', '地库出入口被堵', '车位上被人放了杂物', '外来车辆长期占用访客车位'],
  cleaningIssue: ['楼道垃圾两天没人清理', '垃圾桶满溢，气味很大', '电梯轿厢很脏', '楼梯间有小广告', '地库积水有异味', '草坪上狗粪没人清理'],
  staff: ['保安', '保洁阿姨', '维修师傅', '客服人员', '门岗'],
  attitude: ['态度很差，说话不耐烦', '推诿不处理', '答应回电一直没回', '上门迟到两个小时也没提前告知', '没戴工牌，不穿鞋套就进门'],
  enquiryTopic: ['装修手续怎么办理', '快递柜在哪里', '小区什么时候停水检修', '房屋出租需要备案吗', '宠物需要登记吗', '二次供水水箱多久清洗一次', '电动车充电桩怎么收费', '装修垃圾放在哪里'],
  avail: ['工作日晚上', '周末全天', '明天上午', '今天下午', '白天'],
  suggestion: ['增加电动车充电桩', '儿童游乐区加装遮阳棚', '地库加装照明', '延长东门开放时间', '垃圾分类点加装洗手池', '增加健身器材', '单元门口加装雨棚', '公告改为在业主群同步发布'],
  praiseTech: ['维修及时，态度很好', '大晚上冒雨来修水管', '修完主动把现场打扫干净', '耐心讲解日常使用注意事项'],
  praiseGuard: ['主动帮老人搬东西', '把捡到的钱包交还失主', '下雨天帮业主撑伞送到单元门口', '深夜帮忙找回走失的孩子'],
  praiseCleaner: ['楼道打扫得很干净', '每天把电梯擦得一尘不染', '主动帮忙把快递送上楼'],
  feeKind: ['物业费', '停车管理费', '公共能耗分摊费'],
};

// prettier-ignore
export const TEMPLATES: readonly TicketTemplate[] = [
  // —— repair: plumbing ——
  {
    type: 'repair', category: 'plumbing', weight: 16, priority: [[1, 2], [2, 6], [3, 4]],
    variants: [
      ['{wetPlace}天花板漏水', '业主反映{wetPlace}天花板{time}开始渗水，{leakDetail}，怀疑是楼上{upUnit}卫生间防水问题，请尽快安排人员上门查看。'],
      ['楼上渗水到{wetPlace}', '{unit}业主来电：{wetPlace}吊顶渗水已经{days}了，{leakDetail}。楼上{upUnit}家里没人，联系不上，希望物业协调。'],
      ['{wetPlace}墙角渗水', '{wetPlace}墙角渗水，{leakDetail}。'],
      ['{unit}{wetPlace}顶棚渗水', '{time}发现{wetPlace}顶棚有水渍，{leakDetail}，楼上{upUnit}最近在装修。'],
    ],
  },
  {
    type: 'repair', category: 'plumbing', weight: 4, priority: [[1, 8], [2, 2]],
    variants: [
      ['{wetPlace}水管爆裂', '{time}{wetPlace}{pipe}突然爆裂，水流很大，业主已关闭总阀，地面积水严重，担心渗到楼下{downUnit}，请立即派人处理。'],
      ['{pipe}爆裂漏水', '{unit}{pipe}爆管，水已经流到门外楼道，请马上派人关阀抢修。'],
      ['水管爆了，屋里进水', '家里没人，邻居发现{unit}门缝往外流水，疑似{pipe}爆裂，请带钥匙联系业主后处理。'],
    ],
  },
  {
    type: 'repair', category: 'plumbing', weight: 10, priority: [[2, 4], [3, 6]],
    variants: [
      ['{drain}堵塞', '{drain}堵了{days}，自己用皮搋子疏通无效，水下不去还有异味。'],
      ['{drain}返水', '{time}发现{drain}往上返水，怀疑是楼栋主管堵塞，{building}其他住户也有类似情况。'],
      ['下水不通', '{drain}下水很慢，{days}了越来越严重，请安排疏通。'],
    ],
  },
  {
    type: 'repair', category: 'plumbing', weight: 8, priority: [[3, 9], [2, 1]],
    variants: [
      ['{fixture}漏水', '{wetPlace}{fixture}一直滴水，关不紧，请师傅上门维修。'],
      ['{fixture}关不紧', '{wetPlace}{fixture}关不紧，晚上滴水声很大，请安排维修。'],
      ['更换{fixture}', '{fixture}接口处漏水，需要更换配件，业主可自费购买材料。'],
      ['马桶水箱一直流水', '马桶水箱一直流水停不下来，水费涨了不少，请师傅看一下。'],
    ],
  },
  {
    type: 'repair', category: 'plumbing', weight: 4, priority: [[2, 6], [3, 4]],
    variants: [
      ['家中停水', '{time}开始家里没水，没有收到停水通知，请查一下是不是{building}供水有问题。'],
      ['水压太小', '家里水压很小，{floor}楼以上都这样，洗澡都困难，希望检查二次供水加压泵。'],
      ['自来水发黄', '{time}开始自来水发黄有异味，放了很久也不清，担心水质问题。'],
    ],
  },
  // —— repair: electrical ——
  {
    type: 'repair', category: 'electrical', weight: 7, priority: [[1, 2], [2, 7], [3, 2]],
    variants: [
      ['家中突然停电', '{time}家里突然停电，邻居家有电，电表箱里的空开合不上，请电工上门。'],
      ['总闸频繁跳闸', '一开{socketPlace}的电器就跳闸，已经{days}了，家里有老人，请尽快处理。'],
      ['{unit}停电', '{unit}{time}停电，整层其他住户正常，请检查楼层电表箱。'],
    ],
  },
  {
    type: 'repair', category: 'electrical', weight: 7, priority: [[3, 9], [2, 1]], common: true,
    variants: [
      ['{building}{entrance}单元{floor}楼楼道灯不亮', '{building}{entrance}单元{floor}楼楼道灯不亮已经{days}，晚上走楼梯很黑，老人孩子不安全。'],
      ['楼道声控灯坏了', '{building}{entrance}单元楼道声控灯怎么拍都不亮，请安排更换。'],
      ['地库照明灯不亮', '地库B区有一排灯不亮，晚上停车看不清，请安排更换。'],
    ],
  },
  {
    type: 'repair', category: 'electrical', weight: 4, priority: [[2, 6], [3, 4]],
    variants: [
      ['{socketPlace}插座没电', '{socketPlace}插座{time}开始没电，其他房间正常。'],
      ['插座冒火花', '{socketPlace}插座插电器时冒火花并有焦味，业主已经不敢用，请电工检查线路。'],
      ['{socketPlace}开关失灵', '{socketPlace}灯的开关按了没反应，灯泡换过了还是不亮。'],
    ],
  },
  // —— repair: lift ——
  {
    type: 'repair', category: 'lift', weight: 0.6, priority: [[0, 1]], common: true,
    variants: [
      ['{building}{entrance}单元电梯困人', '{time}有{n}人被困在{building}{entrance}单元电梯内，停在{floor}楼附近，被困人员情绪尚稳定，请立即派人救援！'],
      ['电梯困人！', '业主来电称家人被困{building}{entrance}单元电梯，按了警铃无人应答，请马上处理。'],
    ],
  },
  {
    type: 'repair', category: 'lift', weight: 6, priority: [[1, 2], [2, 7], [3, 1]], common: true,
    variants: [
      ['{building}{entrance}单元电梯故障', '{building}{entrance}单元电梯{liftFault}，业主担心安全，请维保单位尽快检修。'],
      ['电梯{liftFault}', '{building}{entrance}单元电梯{liftFault}，{time}坐电梯时发现的，请尽快检修。'],
      ['{building}电梯停运', '{building}{entrance}单元电梯{time}起停运，楼上有行动不便的老人，请尽快恢复。'],
    ],
  },
  // —— repair: access, cleaning, security, parking, building fabric ——
  {
    type: 'repair', category: 'access', weight: 8, priority: [[2, 4], [3, 6]], common: true,
    variants: [
      ['{building}{entrance}单元门禁故障', '{building}{entrance}单元门禁{accessFault}，出入很不方便，请尽快修理。'],
      ['门禁{accessFault}', '单元门{accessFault}，晚上有陌生人随意进出，担心安全。'],
      ['单元门关不上', '{building}{entrance}单元门关不上，一直敞着，请尽快修理。'],
    ],
  },
  {
    type: 'repair', category: 'cleaning', weight: 3, priority: [[3, 8], [2, 2]], common: true,
    variants: [
      ['电梯轿厢需清理', '{building}{entrance}单元电梯里有呕吐物，请保洁尽快清理消毒。'],
      ['楼道有死老鼠', '{building}{floor}楼楼道有死老鼠，气味很大，请安排清理。'],
      ['化粪池外溢', '{building}旁边化粪池井盖往外冒污水，味道很大，请尽快处理。'],
    ],
  },
  {
    type: 'repair', category: 'security', weight: 2, priority: [[2, 5], [3, 5]], common: true,
    variants: [
      ['监控摄像头损坏', '{building}{entrance}单元门口的监控摄像头{days}前就不亮了，请检修。'],
      ['消防栓箱门损坏', '{building}{floor}楼消防栓箱门掉了，玻璃碎了容易伤人。'],
    ],
  },
  {
    type: 'repair', category: 'parking', weight: 2, priority: [[2, 6], [3, 4]], common: true,
    variants: [
      ['地库道闸不抬杆', '地库入口道闸{time}开始识别不了车牌，车辆排队进不去。'],
      ['东门道闸不落杆', '东门道闸抬杆后不落，外来车辆随意进出。'],
    ],
  },
  {
    type: 'repair', category: 'other', weight: 4, priority: [[3, 5], [4, 5]],
    variants: [
      ['外墙渗水', '下雨时{place}外墙渗水，墙面泛黄起皮，{days}前已报过一次未处理，需要安排外墙防水维修。'],
      ['窗台渗水', '{place}窗台下雨就渗水，窗框打胶老化，请安排维修。'],
      ['屋面漏水', '顶楼{unit}屋面漏水，雨天{place}滴水，请安排屋面防水修缮。'],
    ],
  },
  // —— complaints ——
  {
    type: 'complaint', category: 'noise', weight: 12, priority: [[2, 3], [3, 7]],
    variants: [
      ['{upUnit}装修噪音扰民', '{upUnit}装修在规定时间外施工，{noiseTime}一直有{sound}，家里有老人和小孩。'],
      ['楼上深夜噪音', '楼上{upUnit}{noiseTime}还有{sound}，严重影响休息，已经{days}了，请物业上门劝导。'],
      ['邻居{sound}扰民', '隔壁{noiseTime}经常有{sound}，沟通过没有效果，希望物业出面协调。'],
      ['广场舞音响太吵', '小区中心广场每天晚上跳广场舞音响开得很大，一直到九点多，{building}低层住户无法休息。'],
    ],
  },
  {
    type: 'complaint', category: 'parking', weight: 8, priority: [[2, 4], [3, 6]],
    variants: [
      ['车位被占用', '{parkingIssue}，{time}打电话给门岗也没人处理，要求物业尽快解决。'],
      ['消防通道乱停车', '{building}旁边消防通道上停满了车，真出事消防车进不来，要求加强管理。'],
      ['停车管理混乱', '{parkingIssue}，已经{days}了，要求加强停车管理。'],
    ],
  },
  {
    type: 'complaint', category: 'cleaning', weight: 6, priority: [[3, 1]],
    variants: [
      ['楼道卫生差', '{building}{cleaningIssue}，物业费照交，服务却跟不上。'],
      ['垃圾清运不及时', '{building}楼下垃圾桶满溢，气味很大，{days}都没人清运。'],
      ['保洁不到位', '{cleaningIssue}，请加强保洁巡查。'],
    ],
  },
  {
    type: 'complaint', category: 'security', weight: 5, priority: [[2, 4], [3, 6]],
    variants: [
      ['外来人员随意进出', '门岗对外来人员不登记，{time}有推销人员挨家挨户敲门。'],
      ['高空抛物', '{building}有人从楼上往下扔东西，{time}差点砸到人，要求物业查监控。'],
      ['遛狗不拴绳', '小区里经常有人遛狗不拴绳，{time}孩子被吓到了。'],
    ],
  },
  {
    type: 'complaint', category: 'other', weight: 6, priority: [[2, 3], [3, 7]],
    variants: [
      ['投诉{staff}服务态度', '{staff}{attitude}，业主情绪较大，要求给个说法。'],
      ['维修迟迟未处理', '{days}前报修的问题至今没人处理，打了几次电话都说在安排，要求给个明确时间。'],
      ['{staff}服务态度差', '{time}找{staff}办事，{attitude}，希望物业加强培训。'],
    ],
  },
  {
    type: 'complaint', category: 'lift', weight: 3, priority: [[2, 5], [3, 5]],
    variants: [
      ['电梯频繁故障', '{building}电梯这个月已经坏了好几次，{liftFault}，要求物业督促维保单位彻底检修并公示维保记录。'],
    ],
  },
  // —— enquiries ——
  {
    type: 'enquiry', category: 'fees', weight: 8, priority: [[3, 1]],
    variants: [
      ['物业费缴费方式咨询', '业主咨询{feeKind}可以通过哪些方式缴纳，能否线上支付。'],
      ['{feeKind}收费标准咨询', '业主询问{year}年度{feeKind}的收费标准和计费面积。'],
      ['开具发票咨询', '业主需要开具{year}年{feeKind}的电子发票。'],
      ['{feeKind}明细查询', '业主对{feeKind}账单有疑问，要求提供{year}年度缴费明细。'],
    ],
  },
  {
    type: 'enquiry', category: 'access', weight: 4, priority: [[3, 1]],
    variants: [
      ['门禁卡补办', '业主门禁卡丢失，咨询补办流程和费用。'],
      ['人脸门禁录入', '新入住租户咨询如何录入人脸门禁。'],
      ['家属门禁授权', '业主父母来小区长住，咨询如何给家属开通门禁。'],
    ],
  },
  {
    type: 'enquiry', category: 'other', weight: 8, priority: [[3, 1]],
    variants: [
      ['咨询：{enquiryTopic}', '业主来电咨询{enquiryTopic}。'],
      ['{enquiryTopic}？', '住户询问{enquiryTopic}，希望得到答复。'],
    ],
  },
  {
    type: 'enquiry', category: 'parking', weight: 3, priority: [[3, 1]],
    variants: [
      ['月卡办理咨询', '业主咨询停车月卡如何办理及收费标准。'],
      ['访客车辆登记', '家里来客人，咨询访客车辆如何登记进小区。'],
      ['车位租赁咨询', '业主咨询地库是否还有车位可以租赁，租金多少。'],
    ],
  },
  // —— suggestions and praise ——
  {
    type: 'suggestion', category: 'other', weight: 5, priority: [[3, 2], [4, 1]],
    variants: [
      ['建议{suggestion}', '业主建议小区{suggestion}，方便大家生活。'],
      ['关于{suggestion}的建议', '多位业主在群里讨论，希望物业考虑{suggestion}。'],
    ],
  },
  {
    type: 'suggestion', category: 'parking', weight: 2, priority: [[3, 1]],
    variants: [
      ['建议增加访客车位', '访客车位太少，节假日经常停不下，建议统筹规划。'],
      ['建议地库加装充电桩', '新能源车越来越多，建议地库统一加装充电桩，避免飞线充电。'],
    ],
  },
  {
    type: 'praise', category: 'plumbing', weight: 3, priority: [[3, 1]],
    variants: [
      ['表扬{tech}师傅', '{tech}师傅{praiseTech}，业主特地来电表扬。'],
      ['感谢{tech}师傅', '感谢{tech}师傅{praiseTech}，希望物业给予表扬。'],
    ],
  },
  {
    type: 'praise', category: 'security', weight: 2, priority: [[3, 1]],
    variants: [['表扬门岗保安', '门岗保安{praiseGuard}，业主表示感谢。']],
  },
  {
    type: 'praise', category: 'cleaning', weight: 2, priority: [[3, 1]],
    variants: [['表扬保洁阿姨', '{building}保洁阿姨{praiseCleaner}，业主很满意。']],
  },
  // —— fee reminders (lawful only: reminders and records) ——
  {
    type: 'fee', category: 'fees', weight: 10, priority: [[3, 9], [2, 1]],
    variants: [
      ['{feeKind}欠缴提醒', '{unit}业主{feeKind}自{month}起欠缴，累计{amount}元，需电话提醒并告知缴费渠道。'],
      ['{year}年度{feeKind}催缴', '{unit}{year}年度{feeKind}未缴，金额{amount}元，已发送短信提醒未回复，需电话跟进。'],
      ['{unit}{feeKind}逾期未缴', '{unit}{feeKind}逾期{days}以上，欠费{amount}元，请联系业主了解原因。'],
    ],
  },
];

/** Work-log texts, by what is being recorded. */
// prettier-ignore
export const WORKLOG = {
  accepted: ['已受理，正在安排人员', '已记录，转工程部处理', '已与业主确认地址和联系方式', '已受理，告知业主处理时限'],
  onSite: {
    plumbing: ['现场查看：楼上卫生间防水层破损，需协调楼上业主配合', '现场查看：角阀老化渗漏', '现场查看：下水主管有杂物堵塞', '到场关闭总阀，现场积水已清理'],
    electrical: ['现场查看：空开老化，需要更换', '现场查看：插座线头松动烧黑', '现场查看：声控开关损坏'],
    lift: ['维保单位已到场，电梯已停梯检查', '已到场，被困人员已安全救出', '现场查看：门机皮带磨损'],
    access: ['现场查看：读卡器损坏', '现场查看：门禁电源适配器故障', '现场查看：闭门器漏油'],
    other: ['已到场查看', '现场拍照留存，确定维修方案'],
  },
  done: {
    plumbing: ['更换角阀一个，试水正常', '疏通下水主管，排水恢复正常', '更换爆裂水管约1.5米，通水试压无渗漏', '楼上业主已配合做闭水试验，渗漏点已修补'],
    electrical: ['更换32A空开一个，送电正常', '重新接线并更换插座面板', '更换声控灯2个，已恢复照明'],
    lift: ['更换门机皮带，试运行正常', '电梯已恢复运行，维保单位出具检修记录', '调整平层，运行正常'],
    access: ['更换读卡器，刷卡正常', '更换电源适配器，门禁恢复', '更换闭门器'],
    other: ['已处理完毕，现场已清理', '维修完成，已拍照留存'],
  },
  confirmed: ['业主确认已修好', '业主验收通过，签字确认', '业主电话确认维修效果'],
  closed: ['回访：业主表示满意，评价5星', '回访：业主满意', '回访：业主基本满意，建议师傅提前电话预约', '回访电话无人接听，短信告知已完成'],
  reopened: ['业主反映问题复发，重新派单', '回访时业主表示仍在漏水，返修'],
  investigating: ['已联系秩序维护部核实情况', '已调取监控核查', '已上门与相关住户沟通', '已约谈当班人员了解经过'],
  replied: ['已书面答复业主：已上门劝导，对方承诺注意', '已答复：加强巡查并张贴温馨提示', '已答复：对当事员工批评教育并扣罚绩效，向业主致歉'],
  complaintClosed: ['回访：业主对处理结果满意', '回访：业主表示情况有所改善', '回访：业主不太满意，但同意结案'],
  contacted: ['已电话联系业主，告知欠费金额及缴费渠道', '电话无人接听，已发送短信提醒', '已上门送达书面缴费通知'],
  promised: ['业主承诺于{date}前缴清', '业主表示月底发工资后缴纳', '业主同意分两期缴纳'],
  paid: ['业主已通过线上缴清', '业主到前台缴清，已开具票据', '已确认到账'],
  escalated: ['多次提醒未缴，已报项目经理，发送书面催缴函', '业主对收费有异议，转项目经理沟通'],
  chased: ['业主来电催促，已联系师傅尽快处理', '业主再次来电询问进度，已催工程部'],
  enquiry: ['已告知办理流程和所需材料', '已答复，业主表示清楚了', '已告知前台办理时间', '已发送缴费二维码', '已记录，转相关部门答复'],
} as const;

/**
 * Why work is put on hold (挂起), what is noted when it resumes, and how many days that takes: the hold's reason
 * decides how long the clock stays paused (a maintenance-fund approval takes weeks, rain a day or two).
 */
// prettier-ignore
export const HOLDS: readonly { reason: string; resume: string; days: readonly [number, number] }[] = [
  { reason: '等待配件到货', resume: '配件已到，重新安排上门', days: [2, 8] },
  { reason: '需楼上业主配合，业主出差暂时无法入户', resume: '已联系上楼上业主，约定上门时间', days: [3, 12] },
  { reason: '需报维修基金，等待业委会审批', resume: '审批已通过，恢复处理', days: [12, 35] },
  { reason: '业主要求改约下周再上门', resume: '已按业主约定的时间重新安排上门', days: [4, 9] },
  { reason: '等待雨停后施工', resume: '天气转好，恢复施工', days: [1, 3] },
];

/** Short notes on calls that did not create a ticket. */
// prettier-ignore
export const CALL_NOTES = {
  progress: ['询问报修进度，已告知师傅今天上门', '催办，已联系工程部加急', '询问处理结果，已转告负责人回电'],
  info: ['咨询停水时间，已告知', '咨询快递柜位置', '询问物业费金额，已告知', '咨询装修时间规定', '咨询门禁卡补办'],
  wrong: ['打错电话', '来电无声', '推销电话'],
} as const;

/**
 * Realistic citizens' proposals (民生实事建议) for demos, tests and benchmarks: deterministic
 * for a seed, in topic clusters the way real collections look (dozens of 加装电梯, 学校门口拥堵,
 * 菜市场改造, 路灯不亮 …), each written from varied fragments, plus known near-duplicate pairs
 * (the same request about the same place, worded differently or resubmitted with small edits).
 *
 *   tsx scripts/proposals-demo-data.ts [count] [seed] > proposals.csv   # a sheet for the import
 */
import { pathToFileURL } from 'node:url';

export interface DemoProposal {
  title: string;
  content: string;
  reason: string;
  area: string;
  district: string;
  location: string;
  costWan: number | null;
  proposerName: string | null;
  proposerPhone: string | null;
  channel: 'web' | 'qr' | 'hotline' | 'letter' | 'deputy';
  /** Days after the collection opened. */
  day: number;
  /** The topic cluster it belongs to. */
  topic: string;
}

export interface DemoSet {
  proposals: DemoProposal[];
  /** Index pairs [a, b]: b is a near-duplicate of a about the same specific place. */
  pairs: { a: number; b: number; kind: 'reworded' | 'resubmitted' }[];
}

export const DEMO_DISTRICTS = ['宿城区', '宿豫区', '沭阳县', '泗阳县', '泗洪县', '经济技术开发区', '湖滨新区', '洋河新区'];

/** mulberry32: small, fast, good enough for demo data, identical on every platform. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    /** k distinct items, in random order. */
    some: <T>(xs: readonly T[], k: number): T[] => {
      const copy = [...xs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, Math.min(k, copy.length));
    },
  };
}
type Rng = ReturnType<typeof rng>;

const COMMUNITY_HEADS = ['幸福', '阳光', '金鹰', '东方', '翠竹', '丽景', '金水', '泰和', '锦绣', '黄河', '运河', '项王', '富康', '名城', '御景', '桃园', '梨园', '朝阳', '发展', '建设', '工人', '民便', '新城', '振兴', '和平', '春华', '秋实', '宿迁一', '洪泽', '西湖'];
const COMMUNITY_TAILS = ['花园', '新村', '小区', '家园', '苑', '公寓', '雅居'];
const ROADS = ['发展大道', '洪泽湖路', '西湖路', '黄河路', '人民大道', '幸福路', '青海湖路', '太湖路', '珠江路', '宿支路', '项王路', '通湖大道', '迎宾大道', '古城路', '马陵路', '楚街', '红海路', '世纪大道', '江山大道', '天山路'];
const SCHOOLS = ['实验小学', '第一实验学校', '钟吾初级中学', '第二实验小学', '马陵中学', '育才实验学校', '市实验幼儿园', '文昌小学', '东关口小学', '北京路小学', '启明中学', '双语学校'];
const MARKETS = ['东大街菜市场', '西湖农贸市场', '幸福菜场', '三棵树市场', '黄河农贸市场', '府苑菜市场', '朝阳菜市场', '马陵农贸市场', '城北菜场', '洋河农贸市场'];
const VILLAGES = ['王集村', '仓集村', '蔡集村', '耿车村', '埠子村', '龙河村', '洋北村', '陆集村', '罗圩村', '来龙村', '黄圩村', '丁嘴村', '顺河村', '关庙村'];
const PARKS = ['古黄河公园', '三台山公园', '湖滨公园', '马陵公园', '运河文化公园', '西湖公园', '植物园'];
const HOSPITALS = ['社区卫生服务中心', '镇卫生院', '街道卫生院', '社区卫生服务站'];

/** Only used by the known near-duplicate pairs, so "the same place" is unambiguous. */
const UNIQUE_PLACES = ['翡翠湾小区', '紫薇苑', '银杏里', '玉兰新村', '枫林雅苑', '海棠家园', '芙蓉小区', '青桐苑', '白鹭洲小区', '凤凰城公寓', '湖畔人家', '梧桐院', '石榴新村', '杏花里', '竹溪雅居', '兰亭苑', '碧桂庭', '香樟园', '松涛苑', '荷塘月色小区', '柳岸家园', '樱花苑', '云栖小区', '锦鲤湾', '月桂园'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = ['建国', '海燕', '志强', '丽华', '国庆', '晓梅', '卫东', '秀英', '新民', '桂兰', '振华', '玉珍', '明亮', '春燕', '立新', '红梅', '永刚', '静怡', '德胜', '雪芳', '文博', '慧敏', '宏伟', '淑珍', '家乐', '子涵', '浩然', '雨桐'];

interface Topic {
  key: string;
  area: string;
  weight: number;
  place: (r: Rng) => string;
  detail: (r: Rng) => string;
  titles: string[];
  problems: string[];
  asks: string[];
  reasons: string[];
  cost: [number, number] | null;
}

const community = (r: Rng) => r.pick(COMMUNITY_HEADS) + r.pick(COMMUNITY_TAILS);
const building = (r: Rng) => `${r.int(1, 28)}号楼`;

/** {p} place · {d} a specific detail · {r} a road · {n} a number. */
const TOPICS: Topic[] = [
  {
    key: 'elevator',
    area: '住有所居',
    weight: 14,
    place: community,
    detail: building,
    titles: ['{p}{d}加装电梯', '建议为{p}老楼加装电梯', '{p}多层住宅加装电梯的建议', '老小区{p}急需加装电梯', '关于{p}{d}装电梯的请求'],
    problems: [
      '{p}{d}建于九十年代，共{n}层，没有电梯。',
      '我们楼里住了很多七八十岁的老人，每天爬楼非常吃力。',
      '楼里有老人腿脚不便，下楼看病都要子女背下来。',
      '小区房龄超过二十五年，多数是六层无电梯住宅。',
      '居民加装电梯意愿强烈，已有大部分住户签字同意。',
      '之前自己协商加装，因为费用分摊和审批手续一直没办成。',
      '低层住户担心采光和噪音，希望政府出面协调。',
    ],
    asks: [
      '希望政府给予加装电梯补贴，并简化审批流程。',
      '建议把{p}列入今年既有住宅加装电梯计划。',
      '请街道和住建部门牵头，统一设计、统一施工。',
      '建议参照外地做法，按户数给予每部电梯一定补助。',
    ],
    reasons: ['惠及楼内老年人和残疾人，方便出行就医。', '解决老年人“悬空老人”问题，提升居住品质。', '老龄化越来越严重，加装电梯是大家最盼的事。'],
    cost: [40, 80],
  },
  {
    key: 'school_traffic',
    area: '交通出行',
    weight: 9,
    place: (r) => r.pick(SCHOOLS),
    detail: (r) => r.pick(ROADS),
    titles: ['{p}门口上下学交通拥堵', '解决{p}接送孩子堵车问题', '{d}{p}门前交通秩序整治', '建议在{p}门口设置接送车位', '{p}放学时段道路严重拥堵'],
    problems: [
      '每天早上七点半和下午放学时，{p}门口的{d}堵得水泄不通。',
      '接送孩子的电动车、私家车乱停乱放，孩子过马路很危险。',
      '学校门口没有红绿灯和人行横道，只有一条窄路。',
      '家长在路边等候，占用了机动车道，经常发生剐蹭。',
      '周边小区的车也要从这里经过，高峰期要堵半个多小时。',
    ],
    asks: [
      '建议在学校门口设置临时接送车位和家长等候区。',
      '请交警在上下学高峰安排警力疏导，并增设信号灯和斑马线。',
      '建议利用附近空地建设学生接送驿站。',
      '希望错峰放学，并开通定制校车线路。',
    ],
    reasons: ['保障学生上下学安全，减少交通事故。', '缓解周边道路拥堵，方便群众出行。', '涉及全校两千多名学生和家长。'],
    cost: [20, 300],
  },
  {
    key: 'market',
    area: '劳有所得',
    weight: 8,
    place: (r) => r.pick(MARKETS),
    detail: (r) => r.pick(['地面', '排水沟', '顶棚', '摊位', '停车场']),
    titles: ['{p}改造提升', '建议改造{p}', '{p}环境脏乱差亟需整治', '{p}标准化改造的建议', '关于{p}{d}破损的反映'],
    problems: [
      '{p}建成多年，{d}破损严重，下雨天到处是积水。',
      '市场里污水横流、气味很大，夏天苍蝇蚊子多。',
      '摊位布局混乱，占道经营，进出市场很拥挤。',
      '市场没有公共厕所，也没有像样的停车位置。',
      '很多老人每天都到这里买菜，地面湿滑容易摔倒。',
    ],
    asks: ['建议对{p}进行标准化改造，重新规划摊位。', '希望更换顶棚、铺设防滑地面并完善排水。', '请增设农残快检室和公示屏，保障食品安全。', '建议引入智慧菜场管理，统一规范经营。'],
    reasons: ['关系周边几个小区上万居民的菜篮子。', '改善购物环境，也能帮助摊主增加收入。', '菜市场是老百姓天天要去的地方。'],
    cost: [80, 500],
  },
  {
    key: 'streetlight',
    area: '公共安全',
    weight: 9,
    place: (r) => (r.chance(0.5) ? r.pick(ROADS) : community(r)),
    detail: (r) => `${r.int(2, 15)}盏`,
    titles: ['{p}路灯不亮', '{p}夜间照明不足', '建议修复{p}损坏路灯', '{p}一到晚上黑灯瞎火', '增设{p}路段路灯'],
    problems: [
      '{p}有{d}路灯坏了好几个月，一直没人修。',
      '晚上路上一片漆黑，下夜班回家很害怕。',
      '老人晚上出来散步看不清路，已经有人摔倒过。',
      '这段路没有监控，照明又差，治安隐患很大。',
      '路灯时亮时不亮，线路老化严重。',
    ],
    asks: ['请尽快维修更换路灯，建议换成LED节能灯。', '建议增设路灯和监控探头。', '希望明确路灯管护责任单位，建立报修机制。'],
    reasons: ['保障居民夜间出行安全。', '方便上下夜班的职工和学生晚自习回家。', '消除治安隐患。'],
    cost: [5, 60],
  },
  {
    key: 'old_community',
    area: '住有所居',
    weight: 7,
    place: community,
    detail: (r) => r.pick(['雨污管网', '外墙', '屋面', '道路', '绿化']),
    titles: ['{p}老旧小区改造', '建议将{p}纳入老旧小区改造', '{p}{d}老化问题', '{p}基础设施改造提升'],
    problems: ['{p}建于上世纪九十年代，{d}老化严重。', '小区路面坑洼不平，雨天积水深。', '楼顶漏水，外墙脱落，存在安全隐患。', '小区没有物业，环境卫生没人管。', '下水道经常堵塞，污水冒到路面上。'],
    asks: ['建议纳入今年老旧小区改造计划。', '希望改造雨污分流管网，修整道路。', '建议同步引入物业服务，建立长效管理。'],
    reasons: ['小区住着几百户居民，改造呼声很高。', '提升老小区居住环境，让老百姓住得舒心。'],
    cost: [200, 1500],
  },
  {
    key: 'parking',
    area: '交通出行',
    weight: 6,
    place: (r) => (r.chance(0.5) ? community(r) : r.pick(HOSPITALS.map((h) => `人民医院周边${h}`).concat(['市人民医院', '中医院', '妇幼保健院']))),
    detail: (r) => `${r.int(50, 400)}个`,
    titles: ['{p}停车难', '缓解{p}周边停车难问题', '建议在{p}附近建设停车场', '{p}车位严重不足'],
    problems: ['{p}周边车位严重不足，车辆只能停在路边。', '每天晚上找车位要转好几圈。', '乱停车堵住了消防通道，很不安全。', '看病的车排队进停车场，经常排到马路上。'],
    asks: ['建议利用闲置地块建设立体停车场，约需{d}车位。', '希望开放机关单位停车场夜间共享。', '建议施划夜间临时停车泊位。'],
    reasons: ['解决停车难、停车乱，保障消防通道畅通。', '方便就医群众和周边居民。'],
    cost: [100, 2000],
  },
  {
    key: 'elderly_meals',
    area: '老有所养',
    weight: 7,
    place: community,
    detail: (r) => r.pick(['助餐点', '日间照料中心', '老年活动室']),
    titles: ['{p}设立老年助餐点', '建议在{p}建设{d}', '解决{p}独居老人吃饭难', '{p}社区养老服务站建设'],
    problems: ['{p}六十岁以上老人占三分之一，很多是独居或空巢老人。', '老人自己做饭不方便，经常凑合吃。', '社区没有{d}，老人白天没地方去。', '子女上班顾不上，老人生病没人照顾。'],
    asks: ['建议在社区建设{d}，提供助餐、助浴、日间照料。', '希望对高龄和困难老人给予用餐补贴。', '建议引入专业养老机构运营。'],
    reasons: ['让老人在家门口就能吃上热乎饭。', '减轻子女负担，实现居家养老。'],
    cost: [30, 200],
  },
  {
    key: 'childcare',
    area: '幼有所育',
    weight: 5,
    place: community,
    detail: (r) => `${r.int(30, 150)}个托位`,
    titles: ['{p}附近缺少普惠托育机构', '建议新建社区托育点', '{p}孩子入托难', '增加普惠性托位'],
    problems: ['双职工家庭三岁以下孩子没人带，{p}附近没有托育机构。', '私立托育太贵，一个月要三四千。', '附近幼儿园学位紧张，排队都排不上。'],
    asks: ['建议在{p}附近建设普惠托育点，提供{d}。', '希望幼儿园开设托班。', '建议对普惠托育给予运营补贴。'],
    reasons: ['减轻年轻家庭育儿负担。', '支持生育政策落地。'],
    cost: [50, 300],
  },
  {
    key: 'toilet',
    area: '生态环境',
    weight: 4,
    place: (r) => (r.chance(0.5) ? r.pick(PARKS) : r.pick(ROADS)),
    detail: (r) => `${r.int(1, 4)}座`,
    titles: ['{p}附近增设公厕', '{p}公共厕所不够用', '建议改造{p}公厕'],
    problems: ['{p}人流量大，附近找不到公共厕所。', '现有公厕又脏又旧，没有无障碍厕位。', '晚上公厕早早关门。'],
    asks: ['建议新建或改造公厕{d}，配备无障碍设施和第三卫生间。', '希望延长开放时间并加强保洁。'],
    reasons: ['方便游客、环卫工人和外卖骑手。', '提升城市文明形象。'],
    cost: [20, 120],
  },
  {
    key: 'fitness',
    area: '文化体育',
    weight: 5,
    place: (r) => (r.chance(0.5) ? community(r) : r.pick(PARKS)),
    detail: (r) => r.pick(['篮球场', '健身步道', '乒乓球台', '笼式足球场']),
    titles: ['{p}增设健身设施', '建议在{p}建设{d}', '{p}健身器材老化', '{p}缺少运动场地'],
    problems: ['{p}健身器材锈蚀损坏，存在安全隐患。', '居民晚上想锻炼没有场地，只能在马路边走。', '孩子放假没地方运动。'],
    asks: ['建议建设{d}和健身路径。', '希望更新健身器材并定期维护。', '建议利用边角地建设口袋公园。'],
    reasons: ['满足群众就近健身需求。', '老人孩子都有地方活动。'],
    cost: [15, 200],
  },
  {
    key: 'flooding',
    area: '公共安全',
    weight: 5,
    place: (r) => (r.chance(0.6) ? r.pick(ROADS) : community(r)),
    detail: (r) => r.pick(['下穿通道', '路口', '地下车库入口']),
    titles: ['{p}雨天积水严重', '整治{p}{d}内涝', '{p}一下雨就淹'],
    problems: ['每逢大雨{p}{d}积水没过膝盖，车辆熄火。', '排水管道太细，雨水排不出去。', '积水倒灌进一楼住户家里。'],
    asks: ['建议改造雨水管网，增设排涝泵站。', '希望汛前疏通管道，设置积水警示标志。'],
    reasons: ['保障群众生命财产安全。', '解决多年的老大难问题。'],
    cost: [50, 800],
  },
  {
    key: 'bus',
    area: '交通出行',
    weight: 5,
    place: (r) => r.pick(VILLAGES),
    detail: (r) => `${r.int(1, 30)}路`,
    titles: ['{p}开通公交线路', '建议延伸{d}公交到{p}', '{p}村民进城坐车难', '增加{p}公交班次'],
    problems: ['{p}离县城二十多公里，没有直达公交。', '现在的{d}公交一个小时才一班。', '老人去医院、学生上学都不方便。'],
    asks: ['建议开通或延伸公交线路至{p}。', '希望加密班次，延长末班车时间。', '建议推行镇村公交一元票价。'],
    reasons: ['方便村民出行，促进城乡一体化。', '学生、老人出行更安全。'],
    cost: [30, 300],
  },
  {
    key: 'clinic',
    area: '病有所医',
    weight: 5,
    place: (r) => r.pick(VILLAGES).replace('村', '') + r.pick(HOSPITALS),
    detail: (r) => r.pick(['CT', 'DR', '彩超', '中医馆']),
    titles: ['提升{p}医疗服务能力', '{p}设备陈旧', '建议{p}增加{d}'],
    problems: ['{p}设备陈旧，很多检查做不了，只能跑县城。', '医生太少，看病排队时间长。', '晚上没有值班医生。'],
    asks: ['建议为{p}配备{d}等设备。', '希望引进全科医生，推进县乡医疗共同体。'],
    reasons: ['让群众在家门口看好病。', '减轻农村老人看病负担。'],
    cost: [80, 600],
  },
  {
    key: 'river',
    area: '生态环境',
    weight: 4,
    place: (r) => r.pick(['古黄河', '运河', '西民便河', '六塘河', '新开河', '通湖河']) + r.pick(['城区段', '北岸', '南段']),
    detail: (r) => `${r.int(1, 8)}公里`,
    titles: ['{p}黑臭水体治理', '整治{p}河道污染', '{p}水质变差'],
    problems: ['{p}水面漂浮垃圾，夏天散发臭味。', '沿岸有排污口直排生活污水。', '河岸护坡破损，杂草丛生。'],
    asks: ['建议对{p}约{d}河道清淤、截污。', '希望建设滨河步道和绿化带。'],
    reasons: ['改善沿岸居民生活环境。', '打造亲水休闲空间。'],
    cost: [200, 3000],
  },
  {
    key: 'rural_road',
    area: '住有所居',
    weight: 5,
    place: (r) => r.pick(VILLAGES),
    detail: (r) => `${r.int(1, 6)}公里`,
    titles: ['{p}道路破损', '硬化{p}通组道路', '{p}农村公路提档升级'],
    problems: ['{p}通往镇上的路坑坑洼洼，下雨一身泥。', '道路太窄，两车无法交会。', '路面破损，农产品运不出去。'],
    asks: ['建议对{p}约{d}道路进行硬化拓宽。', '希望完善路灯和安全护栏。'],
    reasons: ['方便村民出行和农产品运输。', '助力乡村振兴。'],
    cost: [60, 800],
  },
  {
    key: 'accessibility',
    area: '弱有所扶',
    weight: 4,
    place: (r) => (r.chance(0.5) ? r.pick(ROADS) : community(r)),
    detail: (r) => r.pick(['盲道', '坡道', '无障碍电梯']),
    titles: ['{p}无障碍设施不完善', '{p}{d}被占用', '建议完善{p}无障碍环境'],
    problems: ['{p}的{d}被车辆和摊位占用。', '轮椅出行到处是台阶，很不方便。', '公共场所缺少无障碍卫生间。'],
    asks: ['建议开展无障碍设施改造和清障行动。', '希望对困难残疾人家庭进行适老化、无障碍改造。'],
    reasons: ['保障残疾人和老年人平等出行。', '体现城市温度。'],
    cost: [10, 150],
  },
  {
    key: 'jobs',
    area: '劳有所得',
    weight: 3,
    place: (r) => r.pick(DEMO_DISTRICTS),
    detail: (r) => r.pick(['电商', '家政', '电工', '育婴师']),
    titles: ['{p}开展{d}技能培训', '建议加强就业技能培训', '帮助{p}灵活就业人员'],
    problems: ['{p}很多返乡青年和宝妈想就业，但缺少技能。', '培训信息不透明，不知道去哪里报名。', '零工市场缺少固定场所。'],
    asks: ['建议开展免费的{d}技能培训。', '希望建设零工市场和就业驿站。'],
    reasons: ['帮助群众增收致富。', '稳定就业。'],
    cost: [20, 150],
  },
  {
    key: 'charging',
    area: '交通出行',
    weight: 4,
    place: community,
    detail: (r) => `${r.int(10, 80)}个`,
    titles: ['{p}建设电动车集中充电桩', '{p}电动车飞线充电隐患', '建议在{p}增设充电设施'],
    problems: ['{p}电动车很多，但没有集中充电的地方。', '居民从楼上拉电线下来充电，非常危险。', '有人把电瓶拿回家充电，容易起火。'],
    asks: ['建议建设电动车集中充电棚，约{d}充电口。', '希望同步安装烟感和喷淋设施。'],
    reasons: ['消除消防安全隐患。', '方便居民充电。'],
    cost: [5, 50],
  },
  {
    key: 'noise',
    area: '生态环境',
    weight: 3,
    place: community,
    detail: (r) => r.pick(['广场舞', '烧烤摊油烟', '工地夜间施工']),
    titles: ['{p}附近{d}扰民', '整治{p}周边噪音油烟', '{p}居民休息受影响'],
    problems: ['{p}楼下{d}每天到晚上十点多。', '反映过多次，一直没有解决。', '家里有高考学生和病人，无法休息。'],
    asks: ['建议相关部门加强执法，规范经营时间。', '希望安装噪音监测设备，划定活动区域。'],
    reasons: ['还居民安静的生活环境。', '化解邻里矛盾。'],
    cost: null,
  },
  {
    key: 'after_school',
    area: '学有所教',
    weight: 4,
    place: (r) => r.pick(SCHOOLS),
    detail: (r) => r.pick(['课后服务', '学生午餐', '校车']),
    titles: ['{p}完善{d}', '建议{p}提供{d}', '{p}家长的{d}需求'],
    problems: ['{p}放学时间早，家长下班晚，孩子没人接。', '学校没有食堂，孩子中午只能在外面小饭桌吃。', '课后托管收费不规范。'],
    asks: ['建议{p}开展规范的{d}。', '希望建设学校食堂，提供营养午餐。'],
    reasons: ['解决双职工家庭后顾之忧。', '保障孩子饮食安全。'],
    cost: [30, 400],
  },
];

const fill = (s: string, v: { p: string; d: string; r: string; n: number }) =>
  s.replaceAll('{p}', v.p).replaceAll('{d}', v.d).replaceAll('{r}', v.r).replaceAll('{n}', String(v.n));

/** Everyday synonyms, so two people asking for the same kind of thing rarely write the same sentence. */
const SYNONYMS: Record<string, string[]> = {
  希望: ['希望', '恳请', '盼望', '请求'],
  建议: ['建议', '提议', '呼吁'],
  非常: ['非常', '十分', '特别', '相当'],
  老人: ['老人', '老年人', '老人家', '长者'],
  居民: ['居民', '住户', '老百姓', '群众'],
  尽快: ['尽快', '尽早', '抓紧'],
  严重: ['严重', '比较严重', '十分严重'],
  很多: ['很多', '不少', '许多'],
  每天: ['每天', '天天', '每日'],
  不方便: ['不方便', '不便', '很难'],
  解决: ['解决', '处理', '化解'],
  政府: ['政府', '有关部门', '相关部门'],
  晚上: ['晚上', '夜里', '夜间'],
  孩子: ['孩子', '小孩', '学生'],
  一直: ['一直', '始终', '至今'],
  问题: ['问题', '情况', '难题'],
  没有: ['没有', '缺少', '没'],
  经常: ['经常', '常常', '时常', '总是'],
  已经: ['已经', '早已', '已'],
  我们: ['我们', '咱们', '大家'],
  附近: ['附近', '周边', '旁边'],
  隐患: ['隐患', '风险'],
  下雨: ['下雨', '雨天', '一下雨'],
  很: ['很', '挺', '太'],
};
const SYNONYM_RE = new RegExp(Object.keys(SYNONYMS).sort((a, b) => b.length - a.length).join('|'), 'g');
const FILLERS = ['确实', '真的', '实在', '现在', '目前'];
/** People write the same thing differently: other words, a filler after a comma, now and then. */
const vary = (r: Rng, s: string) =>
  s.replace(SYNONYM_RE, (w) => r.pick(SYNONYMS[w]!)).replace(/，/g, () => (r.chance(0.3) ? `，${r.pick(FILLERS)}` : '，'));
const INTROS = ['', '', '', '我是附近的居民，', '反映一个问题：', '您好！', '作为一名老党员，', '我代表楼里的住户反映：'];

/** A proposal's sentences before wording varies: what a neighbour asking the same thing would also say. */
interface Draft {
  title: string;
  sentences: string[];
  reasons: string[];
}

function draft(r: Rng, t: Topic, v: { p: string; d: string; r: string; n: number }): Draft {
  return {
    title: fill(r.pick(t.titles), v),
    sentences: [...r.some(t.problems, r.int(2, 3)), ...r.some(t.asks, r.int(1, 2))].map((s) => fill(s, v)),
    reasons: r.some(t.reasons, r.int(1, 2)).map((s) => fill(s, v)),
  };
}

function write(r: Rng, d: Draft) {
  return { title: vary(r, d.title), content: r.pick(INTROS) + d.sentences.map((s) => vary(r, s)).join(''), reason: d.reasons.map((s) => vary(r, s)).join('') };
}

/** The same request in someone else's words: another title, a sentence dropped or added, reordered, other synonyms. */
function reword(r: Rng, t: Topic, d: Draft, v: { p: string; d: string; r: string; n: number }): Draft {
  const sentences = [...d.sentences];
  if (sentences.length >= 3 && r.chance(0.5)) sentences.splice(r.int(0, sentences.length - 1), 1);
  const unused = t.problems.map((x) => fill(x, v)).filter((x) => !sentences.includes(x));
  if (unused.length > 0 && r.chance(0.5)) sentences.push(r.pick(unused));
  if (sentences.length >= 2 && r.chance(0.5)) {
    const i = r.int(0, sentences.length - 2);
    [sentences[i], sentences[i + 1]] = [sentences[i + 1]!, sentences[i]!];
  }
  const others = t.titles.filter((x) => fill(x, v) !== d.title);
  return { title: fill(r.pick(others), v), sentences, reasons: r.some(t.reasons, r.int(1, 2)).map((s) => fill(s, v)) };
}

function person(r: Rng) {
  if (r.chance(0.35)) return { proposerName: null, proposerPhone: null };
  const name = r.pick([...SURNAMES]) + r.pick(GIVEN);
  const phone = r.chance(0.85) ? `1${r.pick(['38', '39', '51', '58', '77', '80', '87', '89'])}${String(r.int(0, 99999999)).padStart(8, '0')}` : null;
  return { proposerName: name, proposerPhone: phone };
}

function channel(r: Rng): DemoProposal['channel'] {
  const x = r.next();
  return x < 0.55 ? 'web' : x < 0.8 ? 'qr' : x < 0.9 ? 'hotline' : x < 0.95 ? 'letter' : 'deputy';
}

/** A small, harmless edit: what a citizen changes before pressing submit again a day later. */
function retouch(r: Rng, s: string): string {
  const edits = [(x: string) => x.replace('。', '，'), (x: string) => `${x}谢谢！`, (x: string) => x.replace('建议', '希望'), (x: string) => x.replaceAll('，', ',')];
  return r.pick(edits)(s);
}

export function demoProposals(count = 1200, seed = 20270701): DemoSet {
  const r = rng(seed);
  const totalWeight = TOPICS.reduce((s, t) => s + t.weight, 0);
  const pickTopic = () => {
    let x = r.next() * totalWeight;
    for (const t of TOPICS) if ((x -= t.weight) < 0) return t;
    return TOPICS[TOPICS.length - 1]!;
  };
  const vars = (t: Topic, place?: string, detail?: string, n?: number) => ({ p: place ?? t.place(r), d: detail ?? t.detail(r), r: r.pick(ROADS), n: n ?? r.int(5, 7) });
  const finish = (t: Topic, text: { title: string; content: string; reason: string }, place: string): DemoProposal => {
    const district = r.pick(DEMO_DISTRICTS);
    return {
      ...text,
      area: t.area,
      district,
      location: `${district}${place}`,
      costWan: t.cost && r.chance(0.4) ? r.int(t.cost[0], t.cost[1]) : null,
      ...person(r),
      channel: channel(r),
      day: r.int(0, 44),
      topic: t.key,
    };
  };

  const proposals: DemoProposal[] = [];
  const pairCount = Math.min(UNIQUE_PLACES.length, Math.max(4, Math.floor(count / 60)));
  const places = r.some(UNIQUE_PLACES, pairCount);
  for (let i = 0; i < count - pairCount * 2; i++) {
    const t = pickTopic();
    const v = vars(t);
    proposals.push(finish(t, write(r, draft(r, t, v)), v.p));
  }
  // Known near-duplicates, each about a place no other proposal mentions: mostly the same
  // request written again by a neighbour in other words, sometimes a resubmission with edits.
  const clustered = TOPICS.filter((t) => ['elevator', 'old_community', 'elderly_meals', 'charging', 'streetlight', 'noise', 'parking', 'fitness'].includes(t.key));
  const kinds: DemoSet['pairs'][number]['kind'][] = [];
  for (const [k, place] of places.entries()) {
    const t = clustered[k % clustered.length]!;
    const v = vars(t, place);
    const d = draft(r, t, v);
    const a = finish(t, write(r, d), place);
    const reworded = k % 4 !== 3;
    const b = reworded
      ? { ...finish(t, write(r, reword(r, t, d, v)), place), district: a.district, location: a.location }
      : { ...a, content: retouch(r, a.content), title: retouch(r, a.title), ...person(r), channel: channel(r), day: Math.min(44, a.day + r.int(1, 5)) };
    proposals.splice(r.int(0, proposals.length), 0, a);
    proposals.splice(r.int(0, proposals.length), 0, b);
    kinds.push(reworded ? 'reworded' : 'resubmitted');
  }
  // Find each pair by its unique place, after all the splicing.
  const pairs = places.map((place, k) => {
    const [a, b] = proposals.flatMap((p, i) => (p.location.endsWith(place) ? [i] : []));
    return { a: a!, b: b!, kind: kinds[k]! };
  });
  return { proposals, pairs };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The proposals as a sheet for POST /api/cycles/:id/proposals/import, received over the days
 * after `opens`. An import is staff entering offline collections, so web and QR submissions
 * appear as hotline calls there.
 */
export function demoProposalsCsv(set: DemoProposal[], opens: Date): string {
  const channelZh = { web: '热线', qr: '热线', hotline: '热线', letter: '来信', deputy: '代表' } as const;
  const lines = [['标题', '内容', '理由', '领域', '区县', '地点', '估算费用（万元）', '姓名', '电话', '渠道', '收到日期'].join(',')];
  for (const p of set) {
    const day = new Date(opens.getTime() + p.day * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    lines.push([p.title, p.content, p.reason, p.area, p.district, p.location, p.costWan, p.proposerName, p.proposerPhone, channelZh[p.channel], day].map(csvCell).join(','));
  }
  return lines.join('\r\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 1200);
  const seed = Number(process.argv[3] ?? 20270701);
  // Received over the last 45 days, so an import today accepts every date.
  const opens = new Date(Date.now() - 50 * 86_400_000);
  process.stdout.write(`\ufeff${demoProposalsCsv(demoProposals(count, seed).proposals, opens)}\r\n`);
}

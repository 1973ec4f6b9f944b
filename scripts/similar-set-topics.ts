// The requests of the labelled duplicate set (scripts/similar-set.ts): each topic is one request,
// written in several people's ways. {P} is the place. Styles: a formal 建议 (deputy or form),
// a resident's own words, a hotline operator's note, a short title, a letter.
export interface TopicWriting {
  title: string;
  content: string;
}
export interface Topic {
  id: string;
  area: string;
  writings: TopicWriting[];
}

export const TOPICS: Topic[] = [
  {
    id: 'elevator',
    area: '住有所居',
    writings: [
      { title: '{P}老旧小区加装电梯', content: '{P}建于上世纪九十年代，均为六层住宅，没有电梯。建议将{P}纳入既有住宅加装电梯计划，并给予资金补助。' },
      { title: '请给{P}老楼安装电梯', content: '我家住{P}五楼，母亲七十多岁腿脚不好，每次爬楼都要歇好几回，希望政府帮忙给老楼装上电梯。' },
      { title: '为{P}多层住宅增设电梯', content: '市民来电反映：{P}多层住宅无电梯，老年居民上下楼困难，希望增设电梯。' },
      { title: '{P}装电梯', content: '老人上楼难，盼装电梯。' },
      { title: '关于{P}既有住宅增设电梯的建议', content: '{P}共有住宅楼十二栋，楼龄较长，高龄老人多，出行靠爬楼梯。建议政府出台补贴政策，推动{P}增设电梯。' },
    ],
  },
  {
    id: 'river',
    area: '生态环境',
    writings: [
      { title: '{P}旁边的河很臭', content: '{P}旁边那条河一到夏天就发臭，水都是黑的，蚊子特别多，住在边上的人窗户都不敢开。' },
      { title: '{P}河道黑臭水体治理', content: '建议对{P}河道开展黑臭水体综合治理，清淤疏浚，截断污水直排。' },
      { title: '{P}河流污染严重', content: '市民来电反映：{P}附近河流有生活污水排入，水质浑浊有异味，请相关部门整治。' },
      { title: '治理{P}的臭水沟', content: '{P}的水沟多年没人清理，垃圾堆积，臭味熏人，希望尽快清淤。' },
    ],
  },
  {
    id: 'streetlight',
    area: '交通出行',
    writings: [
      { title: '{P}路灯不亮', content: '{P}的路灯坏了好几个月了，晚上一片漆黑，老人孩子走路容易摔跤。' },
      { title: '维修{P}照明设施', content: '建议对{P}损坏的路灯进行维修，并增设照明，保障居民夜间出行安全。' },
      { title: '{P}晚上太暗', content: '市民来电反映：{P}路灯长期不亮，夜间昏暗，存在安全隐患，请尽快修复。' },
      { title: '{P}路灯坏了没人修', content: '{P}一到晚上黑灯瞎火，路灯坏了也没人来修。' },
    ],
  },
  {
    id: 'clinic',
    area: '病有所医',
    writings: [
      { title: '{P}建社区卫生服务站', content: '{P}常住人口上万，附近没有社区医院，居民看病要跑到城里。建议在{P}设立卫生服务站。' },
      { title: '{P}看病太远', content: '我们{P}的人看个小病都要坐半小时车，能不能在这里建个卫生室？' },
      { title: '在{P}设立社区医院', content: '市民来电反映：{P}周边无医疗机构，就医不便，希望建设社区卫生服务中心。' },
      { title: '{P}缺少诊所', content: '{P}老人多，就医难，盼望家门口有个诊所。' },
    ],
  },
  {
    id: 'canteen',
    area: '老有所养',
    writings: [
      { title: '{P}开办老年食堂', content: '{P}独居老人较多，做饭不便。建议在{P}开办老年食堂，提供助餐服务。' },
      { title: '{P}老人吃饭难', content: '我爸妈住在{P}，年纪大了做饭吃力，希望社区能办个长者食堂，送餐也行。' },
      { title: '{P}建设日间照料中心', content: '建议在{P}建设日间照料中心，为老年人提供助餐、休息、文化娱乐等养老服务。' },
      { title: '{P}助餐点', content: '市民来电反映：{P}高龄老人就餐困难，希望设立老年助餐点。' },
    ],
  },
  {
    id: 'kindergarten',
    area: '幼有所育',
    writings: [
      { title: '{P}新建公办幼儿园', content: '{P}新入住家庭多，孩子入园难，附近幼儿园学位紧张。建议在{P}新建一所公办幼儿园。' },
      { title: '{P}孩子上幼儿园难', content: '我们{P}的孩子上幼儿园要排队，还得跑很远，求在家门口办个幼儿园。' },
      { title: '增加{P}普惠性幼儿园学位', content: '市民来电反映：{P}适龄幼儿多，普惠性幼儿园不足，希望增加学位。' },
    ],
  },
  {
    id: 'afterschool',
    area: '学有所教',
    writings: [
      { title: '{P}小学开展课后托管', content: '{P}小学放学早，双职工家庭接孩子难。建议{P}小学开展课后服务，延长托管时间。' },
      { title: '{P}小学放学没人接', content: '我们在{P}小学读书的孩子下午三点半就放学，爸妈都在上班，希望学校能办个晚托班。' },
      { title: '{P}小学四点半课堂', content: '建议在{P}小学开设四点半课堂，解决学生放学后看管问题。' },
    ],
  },
  {
    id: 'bus',
    area: '交通出行',
    writings: [
      { title: '{P}开通公交线路', content: '{P}到市区没有公交车，居民出行只能打车或骑电动车。建议开通{P}至市区的公交线路。' },
      { title: '{P}没有公交车', content: '我们{P}去城里太不方便了，一辆公交都没有，希望能通个公交。' },
      { title: '增加{P}公交班次', content: '市民来电反映：{P}公交班次少，等车时间长，希望增加班次。' },
    ],
  },
  {
    id: 'parking',
    area: '住有所居',
    writings: [
      { title: '{P}停车难', content: '{P}车位太少，晚上回来根本没地方停，车都停在消防通道上。' },
      { title: '{P}增建停车位', content: '建议利用{P}边角空地增建停车位，缓解停车难问题，规范乱停乱放。' },
      { title: '解决{P}停车问题', content: '市民来电反映：{P}停车位严重不足，乱停车现象普遍，希望新建停车场。' },
    ],
  },
  {
    id: 'charging',
    area: '公共安全',
    writings: [
      { title: '{P}安装电动车充电桩', content: '{P}没有充电设施，居民飞线充电、把电瓶车推进楼道充电，存在火灾隐患。建议安装集中充电桩。' },
      { title: '{P}电瓶车没地方充电', content: '我们{P}的电动车没地方充电，只能从楼上拉电线，太危险了，希望装充电桩。' },
      { title: '{P}建设电动自行车充电棚', content: '建议在{P}建设电动自行车集中充电车棚，杜绝私拉电线充电。' },
    ],
  },
  {
    id: 'road',
    area: '交通出行',
    writings: [
      { title: '{P}路面坑洼', content: '{P}路面坑坑洼洼，下雨天全是积水，电动车经常摔倒。' },
      { title: '修复{P}破损路面', content: '建议对{P}破损路面进行维修，消除交通安全隐患。' },
      { title: '{P}道路年久失修', content: '市民来电反映：{P}道路破损严重，凹凸不平，请尽快修缮。' },
      { title: '{P}的路太烂了', content: '{P}那段路烂了好几年了，一下雨就是泥坑，希望修一修。' },
    ],
  },
  {
    id: 'trafficlight',
    area: '交通出行',
    writings: [
      { title: '{P}路口增设红绿灯', content: '{P}路口车多人多，没有信号灯，学生过马路很危险。建议增设交通信号灯。' },
      { title: '{P}过马路太危险', content: '我们每天从{P}路口过马路，车子开得飞快，也没个红绿灯，希望装个红绿灯。' },
      { title: '{P}路口安装信号灯和斑马线', content: '市民来电反映：{P}路口无红绿灯、无人行横道，多次发生事故，请增设信号灯。' },
    ],
  },
  {
    id: 'garbage',
    area: '生态环境',
    writings: [
      { title: '{P}垃圾清运不及时', content: '{P}的垃圾桶天天满出来，清运不及时，夏天臭气熏天。' },
      { title: '{P}增设垃圾分类投放点', content: '建议在{P}增设垃圾分类投放点，增加清运频次，改善环境卫生。' },
      { title: '{P}垃圾乱堆', content: '市民来电反映：{P}生活垃圾乱堆乱放，无人清理，请环卫部门处理。' },
    ],
  },
  {
    id: 'fitness',
    area: '文化体育',
    writings: [
      { title: '{P}安装健身器材', content: '{P}没有健身的地方，老人只能在马路边锻炼。建议在{P}空地安装健身器材。' },
      { title: '{P}缺少运动设施', content: '我们{P}想锻炼身体都没地方，希望政府给装几套健身设施。' },
      { title: '{P}建设健身广场', content: '建议在{P}建设小型健身广场，配备健身路径，满足群众健身需求。' },
    ],
  },
  {
    id: 'toilet',
    area: '生态环境',
    writings: [
      { title: '{P}建公共厕所', content: '{P}人流量大，附近没有公厕，群众如厕不便。建议新建公共厕所。' },
      { title: '{P}上厕所难', content: '在{P}逛街买菜，想上个厕所都找不到，希望建个公厕。' },
      { title: '{P}公厕改造', content: '市民来电反映：{P}公厕破旧脏乱，希望改造提升。' },
    ],
  },
  {
    id: 'market',
    area: '住有所居',
    writings: [
      { title: '{P}建设农贸市场', content: '{P}附近没有菜市场，居民买菜要走很远。建议在{P}建设标准化农贸市场。' },
      { title: '{P}买菜难', content: '我们{P}买个菜都要骑车二十分钟，希望就近建个菜场。' },
      { title: '{P}缺少便民菜市场', content: '市民来电反映：{P}买菜不便，希望设立便民市场。' },
    ],
  },
  {
    id: 'leak',
    area: '住有所居',
    writings: [
      { title: '{P}屋顶漏水', content: '{P}的老房子屋顶漏水，一下雨家里就得拿盆接水，墙皮都泡掉了。' },
      { title: '{P}房屋渗漏维修', content: '建议对{P}老旧住宅屋面进行防水维修，解决渗漏问题。' },
      { title: '{P}楼顶漏雨', content: '市民来电反映：{P}顶楼住户家中漏雨严重，请协调维修屋面。' },
    ],
  },
  {
    id: 'flood',
    area: '公共安全',
    writings: [
      { title: '{P}下雨积水', content: '{P}地势低，每逢大雨就积水，最深到膝盖，车库都被淹了。' },
      { title: '{P}排水管网改造', content: '建议对{P}雨污管网进行改造，解决内涝积水问题。' },
      { title: '{P}内涝严重', content: '市民来电反映：{P}暴雨后严重内涝，排水不畅，请疏通管网。' },
    ],
  },
  {
    id: 'cctv',
    area: '公共安全',
    writings: [
      { title: '{P}安装监控', content: '{P}最近经常丢电动车，没有监控，报警也查不到。建议安装监控摄像头。' },
      { title: '{P}治安差', content: '我们{P}晚上老有小偷，希望多装些摄像头。' },
      { title: '{P}增设视频监控', content: '建议在{P}出入口和主要道路增设视频监控，提升治安防控水平。' },
    ],
  },
  {
    id: 'disabled',
    area: '弱有所扶',
    writings: [
      { title: '{P}无障碍设施改造', content: '{P}出入口都是台阶，坐轮椅的残疾人出不了门。建议进行无障碍改造，修建坡道。' },
      { title: '{P}轮椅进出难', content: '我是{P}的残疾人，坐轮椅下楼出门特别难，希望能修个坡道。' },
      { title: '{P}修建无障碍通道', content: '市民来电反映：{P}缺少无障碍通道，残障人士出行困难。' },
    ],
  },
  {
    id: 'library',
    area: '学有所教',
    writings: [
      { title: '{P}建设城市书房', content: '{P}附近没有图书馆，孩子放假没地方看书。建议建设城市书房。' },
      { title: '{P}想要个阅览室', content: '我们{P}的孩子和老人都喜欢看书，希望有个阅览室。' },
      { title: '{P}设立图书室', content: '建议在{P}设立图书室，丰富居民文化生活。' },
    ],
  },
  {
    id: 'jobs',
    area: '劳有所得',
    writings: [
      { title: '{P}设立零工驿站', content: '{P}灵活就业人员多，找活靠在路边等。建议设立零工驿站，发布用工信息。' },
      { title: '{P}找工作难', content: '我们{P}很多人打零工，每天在路口等活，希望有个正规的零工市场。' },
      { title: '{P}开展技能培训', content: '建议在{P}开展免费技能培训，帮助失业人员再就业。' },
    ],
  },
  {
    id: 'noise',
    area: '生态环境',
    writings: [
      { title: '{P}夜间施工噪音扰民', content: '{P}旁边工地天天半夜施工，噪音太大，孩子睡不着觉。' },
      { title: '{P}噪声污染', content: '市民来电反映：{P}附近夜间噪声扰民，请相关部门查处。' },
      { title: '{P}太吵了', content: '{P}晚上吵得没法睡，希望管一管。' },
    ],
  },
  {
    id: 'water',
    area: '住有所居',
    writings: [
      { title: '{P}自来水水压低', content: '{P}高层住户一到用水高峰就没水，水压太低，洗澡都困难。' },
      { title: '{P}供水管网改造', content: '建议对{P}老旧供水管网进行改造，提高水压，保障供水。' },
      { title: '{P}经常停水', content: '市民来电反映：{P}经常停水，水压不足，影响日常生活。' },
    ],
  },
];

/** Fine places, in districts; some names overlap on purpose (春江 / 春江苑 / 春江西苑 …). */
export const PLACES: { name: string; district: string }[] = [
  { name: '春江苑', district: '宿城区' },
  { name: '春江西苑', district: '宿城区' },
  { name: '春江花园', district: '宿城区' },
  { name: '春江村', district: '宿豫区' },
  { name: '幸福路', district: '宿城区' },
  { name: '幸福北路', district: '宿城区' },
  { name: '幸福花园', district: '宿豫区' },
  { name: '柳湾村', district: '泗阳县' },
  { name: '柳湾新村', district: '泗阳县' },
  { name: '桂园', district: '宿城区' },
  { name: '枫林花园', district: '宿城区' },
  { name: '枫林苑', district: '宿豫区' },
  { name: '金鹰佳苑', district: '沭阳县' },
  { name: '金鹰花园', district: '沭阳县' },
  { name: '人民路', district: '沭阳县' },
  { name: '人民南路', district: '沭阳县' },
  { name: '翠柳苑', district: '泗洪县' },
  { name: '运河湾花园', district: '宿城区' },
  { name: '阳光新村', district: '宿豫区' },
  { name: '徐洼村', district: '泗洪县' },
  { name: '府前路', district: '宿城区' },
  { name: '黄河南路', district: '宿城区' },
  { name: '东方红小区', district: '泗阳县' },
  { name: '王庄村', district: '泗洪县' },
  { name: '双庄社区', district: '宿豫区' },
  { name: '新河镇', district: '宿城区' },
  { name: '洋北村', district: '宿城区' },
  { name: '天鹅湖小区', district: '泗洪县' },
  { name: '梧桐苑', district: '宿城区' },
  { name: '梧桐新村', district: '宿城区' },
  { name: '青年路', district: '泗阳县' },
  { name: '古城社区', district: '宿豫区' },
  { name: '龙河村', district: '宿豫区' },
  { name: '文昌花园', district: '沭阳县' },
  { name: '银杏小区', district: '沭阳县' },
  { name: '马陵路', district: '宿城区' },
  { name: '金港湾小区', district: '泗洪县' },
  { name: '颐和家园', district: '宿豫区' },
  { name: '红星村', district: '泗阳县' },
  { name: '百花苑', district: '泗阳县' },
];

/** Pairs a writer could confuse: the same request at one of these is another place. */
export const NEIGHBOURS: [string, string][] = [
  ['春江苑', '春江西苑'],
  ['春江苑', '春江花园'],
  ['春江西苑', '春江村'],
  ['幸福路', '幸福北路'],
  ['幸福路', '幸福花园'],
  ['柳湾村', '柳湾新村'],
  ['枫林花园', '枫林苑'],
  ['金鹰佳苑', '金鹰花园'],
  ['人民路', '人民南路'],
  ['梧桐苑', '梧桐新村'],
  ['桂园', '枫林花园'],
];

/** Sentences people add that say nothing about the request. */
export const FILLERS = [
  '此事关系群众切身利益，恳请尽快解决。',
  '希望领导重视，早日落实。',
  '周边居民多次反映，一直没有得到解决。',
  '这是大家共同的心愿。',
  '盼复。',
  '谢谢政府！',
  '附近很多居民都有同样的想法。',
  '',
  '',
  '',
];

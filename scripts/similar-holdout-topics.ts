// A second family of writers for the labelled set, written after the lexicon was first tuned and
// kept apart (tests/fixtures/similar-holdout.json): other requests and other phrasings, to see how
// the lexicon does on words it was not built from.
import type { Topic } from './similar-set-topics.ts';

export const HOLDOUT_TOPICS: Topic[] = [
  {
    id: 'h-lift',
    area: '住有所居',
    writings: [
      { title: '{P}6层老楼盼望电梯', content: '{P}的楼都是八几年盖的，六层没电梯，我奶奶九十岁了一年下不了几次楼。' },
      { title: '关于在{P}推进既有多层住宅加装电梯工作的建议', content: '{P}老年人口占比高，建议简化审批流程、提高补贴标准，加快推进加装电梯。' },
      { title: '{P}老人下楼难', content: '12345转办：{P}居民称小区均为无电梯多层楼，老年人上下楼极为不便，诉求加装电梯。' },
    ],
  },
  {
    id: 'h-sewage',
    area: '生态环境',
    writings: [
      { title: '{P}化粪池满溢', content: '{P}化粪池经常满出来，污水流到路上，臭得不行。' },
      { title: '{P}生活污水管网改造', content: '建议对{P}雨污混流的下水管道进行改造，解决污水外溢问题。' },
      { title: '{P}下水道返臭', content: '市民反映：{P}下水道堵了，污水冒出来，异味很大。' },
    ],
  },
  {
    id: 'h-bus-stop',
    area: '交通出行',
    writings: [
      { title: '{P}公交站没有候车亭', content: '{P}公交站只有一根站牌，下雨天老人孩子只能淋雨等车。' },
      { title: '在{P}公交站台加装雨棚和座椅', content: '建议为{P}公交站点建设候车亭，配备座椅和遮雨棚。' },
      { title: '{P}等公交淋雨', content: '{P}那个站台啥都没有，夏天晒冬天冻，希望搭个棚子。' },
    ],
  },
  {
    id: 'h-crossing',
    area: '交通出行',
    writings: [
      { title: '{P}学校门口接送拥堵', content: '{P}小学门口每天放学时车辆乱停，道路堵死，孩子穿行很危险。' },
      { title: '治理{P}校门口交通秩序', content: '建议在{P}小学周边设置临时停车区和护学岗，缓解上下学高峰拥堵。' },
      { title: '{P}上下学堵车', content: '一到上学放学，{P}学校那条路就堵得水泄不通，能不能管一管。' },
    ],
  },
  {
    id: 'h-elderly-care',
    area: '老有所养',
    writings: [
      { title: '{P}建设养老服务站', content: '{P}空巢老人多，子女不在身边，建议建设社区养老服务站，提供助餐助洁助医服务。' },
      { title: '{P}老年人没人照顾', content: '我们{P}好多老人一个人住，生病了都没人知道，希望有个地方白天能照看一下。' },
      { title: '{P}居家养老服务', content: '建议在{P}开展居家养老上门服务，为失能半失能老人提供照护。' },
    ],
  },
  {
    id: 'h-clinic-hours',
    area: '病有所医',
    writings: [
      { title: '{P}卫生院缺医生', content: '{P}卫生院只有两个医生，看病排队一上午，建议增派医务人员。' },
      { title: '充实{P}基层医疗力量', content: '建议为{P}卫生院配备全科医生和必要的检查设备，提升基层诊疗能力。' },
      { title: '{P}看病排长队', content: '在{P}看个病要等半天，医生太少了。' },
    ],
  },
  {
    id: 'h-nursery',
    area: '幼有所育',
    writings: [
      { title: '{P}缺少托育机构', content: '{P}年轻夫妻多，三岁以下的孩子没人带，附近没有托育机构。' },
      { title: '在{P}建设普惠托育点', content: '建议在{P}建设普惠性托育服务点，为0至3岁婴幼儿提供照护。' },
      { title: '{P}孩子没人带', content: '我们{P}双职工家庭很多，小宝宝没人带，希望能办个托班。' },
    ],
  },
  {
    id: 'h-streetlight2',
    area: '公共安全',
    writings: [
      { title: '{P}夜间照明不足', content: '{P}一到晚上乌漆嘛黑，连个灯都没有，走夜路心里发慌。' },
      { title: '为{P}安装太阳能路灯', content: '建议在{P}主要道路安装太阳能路灯，解决夜间照明问题。' },
      { title: '{P}缺路灯', content: '市民来电：{P}道路无照明设施，夜间出行不便，请求安装路灯。' },
    ],
  },
  {
    id: 'h-market2',
    area: '住有所居',
    writings: [
      { title: '{P}菜场脏乱差', content: '{P}菜场地面污水横流，摊位乱摆，建议升级改造。' },
      { title: '{P}农贸市场提档升级', content: '建议对{P}农贸市场进行标准化改造，完善排水和通风设施。' },
      { title: '{P}买菜的地方太脏', content: '{P}那个菜市场一进去就一股味，地上全是水，希望好好弄一下。' },
    ],
  },
  {
    id: 'h-sports',
    area: '文化体育',
    writings: [
      { title: '{P}建个篮球场', content: '{P}年轻人多，想打球都没有场地，希望建个篮球场。' },
      { title: '{P}新建全民健身场地', content: '建议在{P}利用闲置地块新建多功能运动场，满足群众健身需求。' },
      { title: '{P}没地方打球', content: '我们{P}的孩子放学想打篮球，只能去很远的学校。' },
    ],
  },
  {
    id: 'h-trash-sorting',
    area: '生态环境',
    writings: [
      { title: '{P}垃圾桶太少', content: '{P}就两个垃圾桶，每天都堆满，流浪猫狗翻得到处都是。' },
      { title: '{P}增加垃圾收集容器', content: '建议在{P}增设垃圾收集点，增加垃圾桶数量，做到日产日清。' },
      { title: '{P}倒垃圾不方便', content: '12345转办：{P}居民反映垃圾投放点少且远，倒垃圾不方便。' },
    ],
  },
  {
    id: 'h-flood2',
    area: '公共安全',
    writings: [
      { title: '{P}一下雨就淹', content: '{P}每年汛期都被淹，一楼住户家具都泡坏了。' },
      { title: '{P}排涝设施建设', content: '建议在{P}新建排涝泵站，改造排水管道，提升防汛能力。' },
      { title: '{P}雨后积水严重', content: '市民反映：{P}雨后路面积水数日不退，出行困难。' },
    ],
  },
];

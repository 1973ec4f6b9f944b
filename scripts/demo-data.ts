import type { CreateCandidateBody } from '@piaojue/shared';

/** A realistic city list: 15 candidates for 10 places (差额 50%). */
export const DEMO_CANDIDATES: CreateCandidateBody[] = [
  { name: '新建改扩建中小学幼儿园', category: '学有所教', department: '市教育局', investmentWan: 186000, fundingSource: '市县财政、专项债', deadline: '2027年12月底', location: '全市', content: '新建改扩建中小学、幼儿园18所', targets: '新增学位12000个' },
  { name: '老旧小区改造及加装电梯', category: '住有所居', department: '市住房和城乡建设局', investmentWan: 52000, fundingSource: '中央补助、市县财政、居民出资', deadline: '2027年11月底', location: '主城区', content: '改造老旧小区46个，既有住宅加装电梯120部', targets: '惠及居民1.8万户' },
  { name: '社区嵌入式养老服务中心', category: '老有所养', department: '市民政局', investmentWan: 9800, fundingSource: '市县财政、福彩公益金', deadline: '2027年10月底', location: '各县区', content: '建成社区嵌入式养老服务中心30个，提供助餐、日间照料', targets: '新增养老床位900张' },
  { name: '基层医疗卫生服务能力提升', category: '病有所医', department: '市卫生健康委员会', investmentWan: 23500, fundingSource: '市县财政', deadline: '2027年12月底', location: '乡镇卫生院', content: '提档升级乡镇卫生院15家、村卫生室120个', targets: '县域就诊率达90%' },
  { name: '城乡公交一体化提升', category: '交通出行', department: '市交通运输局', investmentWan: 15600, fundingSource: '市县财政', deadline: '2027年9月底', location: '全市', content: '新增更新新能源公交车200辆，优化线路30条', targets: '镇村公交开通率100%' },
  { name: '农村供水保障提升', category: '住有所居', department: '市水务局', investmentWan: 31000, fundingSource: '省补资金、市县财政', deadline: '2027年12月底', location: '农村地区', content: '改造农村供水管网800公里', targets: '受益人口35万人' },
  { name: '婴幼儿托育服务扩容', category: '幼有所育', department: '市卫生健康委员会', investmentWan: 6200, fundingSource: '市县财政', deadline: '2027年12月底', location: '各县区', content: '新建普惠性托育机构20家', targets: '新增普惠托位2000个' },
  { name: '城市口袋公园建设', category: '文体', department: '市城市管理局', investmentWan: 8800, fundingSource: '市级财政', deadline: '2027年10月底', location: '中心城区', content: '建设口袋公园25个、绿道40公里', targets: '公园绿地服务半径覆盖率90%' },
  { name: '全民健身设施补短板', category: '文体', department: '市体育局', investmentWan: 7400, fundingSource: '体彩公益金、市县财政', deadline: '2027年11月底', location: '全市', content: '新建更新健身路径300套、笼式球场40片', targets: '人均体育场地面积3.2平方米' },
  { name: '农贸市场标准化改造', category: '劳有所得', department: '市商务局', investmentWan: 5600, fundingSource: '市县财政、社会资本', deadline: '2027年8月底', location: '各县区', content: '改造提升农贸市场22个', targets: '标准化率达100%' },
  { name: '困难群众救助提标', category: '弱有所扶', department: '市民政局', investmentWan: 12800, fundingSource: '市县财政', deadline: '2027年6月底', location: '全市', content: '城乡低保标准提高至每人每月860元', targets: '惠及困难群众6.5万人' },
  { name: '城区易淹易涝片区整治', category: '安全', department: '市水务局', investmentWan: 27000, fundingSource: '专项债、市级财政', deadline: '2027年6月底（汛前）', location: '中心城区', content: '整治易淹易涝片区12处，新建改造雨水管网60公里', targets: '消除内涝积水点12处' },
  { name: '公共停车设施建设', category: '交通出行', department: '市城市管理局', investmentWan: 14500, fundingSource: '社会资本、市级财政', deadline: '2027年12月底', location: '中心城区', content: '新增公共停车泊位5000个、充电桩800个', targets: '缓解医院学校周边停车难' },
  { name: '职业技能提升行动', category: '劳有所得', department: '市人力资源和社会保障局', investmentWan: 4300, fundingSource: '就业补助资金', deadline: '2027年12月底', location: '全市', content: '开展补贴性职业技能培训3万人次', targets: '新增技能人才1.2万人' },
  { name: '食品安全快检室建设', category: '安全', department: '市市场监督管理局', investmentWan: 2100, fundingSource: '市县财政', deadline: '2027年9月底', location: '农贸市场、学校食堂', content: '建设食品安全快检室60个', targets: '年快检样品10万批次' },
];

export const DEMO_DELEGATIONS = ['宿城区代表团', '宿豫区代表团', '沭阳县代表团', '泗阳县代表团', '泗洪县代表团', '解放军代表团'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = ['建国', '海燕', '志强', '丽华', '国庆', '晓梅', '卫东', '秀英', '新民', '桂兰', '振华', '玉珍', '明亮', '春燕', '立新', '红梅', '永刚', '静怡', '德胜', '雪芳', '文博', '慧敏', '宏伟', '淑珍', '家乐'];

/** A roster CSV of `n` deputies spread over the delegations. */
export function demoRosterCsv(n: number): string {
  const lines = ['姓名,代表团,座位,电话'];
  for (let i = 0; i < n; i++) {
    const name = SURNAMES[(i * 7) % SURNAMES.length]! + GIVEN[(i * 11) % GIVEN.length]!;
    const delegation = DEMO_DELEGATIONS[i % DEMO_DELEGATIONS.length]!;
    const row = Math.floor(i / 10) + 1;
    const col = (i % 10) + 1;
    lines.push(`${name},${delegation},${row}排${col}号,`);
  }
  return lines.join('\n');
}

/**
 * The demo city's departments and districts: ids, bilingual names and the
 * datasets each one keeps (the provider of an exchange is always the
 * dataset's keeper). Hand-written, so the console reads like a real city.
 * The order of `DEPARTMENTS` also ranks how often a department *uses* data
 * (a Zipf rank for consumers): police, welfare and statistics ask most.
 */

export interface DepartmentSpec {
  readonly id: string;
  readonly en: string;
  readonly zh: string;
  /** Dataset slugs; the dataset id is `<department id>/<slug>`. */
  readonly datasets: readonly string[];
}

const d = (id: string, en: string, zh: string, datasets: string): DepartmentSpec => ({ id, en, zh, datasets: datasets.split(" ") });

export const DEPARTMENTS: readonly DepartmentSpec[] = [
  d("police", "Police Department", "警察局", "incident-reports wanted-persons stolen-vehicles firearms-licences missing-persons-reports patrol-logs"),
  d("social-welfare", "Social Welfare Bureau", "社会福利局", "benefit-claims household-assessments care-placements food-aid-vouchers"),
  d("statistics", "Statistics Bureau", "统计局", "population-estimates labour-force-survey price-index business-census household-income-survey"),
  d("health", "Health Bureau", "卫生局", "vaccination-records hospital-admissions clinic-registry doctor-registry prescriptions-dispensed"),
  d("tax", "Tax Bureau", "税务局", "income-declarations property-tax-roll business-tax-returns tax-arrears vat-returns"),
  d("civil-registry", "Civil Registry Office", "民政登记处", "population-register births deaths marriages name-changes"),
  d("education", "Education Bureau", "教育局", "school-enrolments exam-results teacher-registry special-needs-plans school-meal-eligibility"),
  d("housing", "Housing Authority", "房屋署", "public-housing-tenancies waiting-list rent-subsidies housing-inspections"),
  d("transport", "Transport Department", "运输署", "bus-ridership traffic-counts transit-cards taxi-licences road-closures"),
  d("labour", "Labour Department", "劳工处", "employment-contracts work-injuries job-seekers work-permits"),
  d("immigration", "Immigration Department", "入境事务处", "residence-permits border-crossings visa-applications citizenship-applications"),
  d("planning", "Urban Planning Bureau", "城市规划局", "zoning-plans building-permits land-use-survey development-applications"),
  d("public-health", "Centre for Public Health", "公共卫生中心", "disease-notifications outbreak-cases air-quality-health water-borne-illness-reports"),
  d("pensions", "Pensions Office", "养老金办公室", "pension-payments contribution-records survivor-benefits"),
  d("emergency", "Emergency Management Bureau", "应急管理局", "emergency-calls evacuation-plans shelter-capacity disaster-damage-assessments"),
  d("fire", "Fire Services Department", "消防处", "fire-incidents building-inspections ambulance-dispatches fire-safety-certificates"),
  d("courts", "Judiciary Administration", "司法机构政务处", "case-filings judgments bail-orders court-calendars"),
  d("business-registry", "Companies Registry", "公司注册处", "company-register director-register annual-returns insolvency-notices"),
  d("land-registry", "Land Registry", "土地注册处", "property-titles mortgages land-transactions cadastral-parcels"),
  d("vehicle-registry", "Vehicle Licensing Office", "车辆登记处", "vehicle-register driving-licences vehicle-inspections"),
  d("customs", "Customs and Excise", "海关", "import-declarations seizures excise-payments"),
  d("finance", "Finance Bureau", "财政局", "budget-execution grants-paid debt-register"),
  d("audit-office", "Audit Office", "审计署", "audit-findings spending-reviews"),
  d("environment", "Environmental Protection Department", "环境保护署", "air-quality-readings emissions-permits noise-complaints contaminated-land"),
  d("water", "Water Supplies Department", "水务署", "water-meter-readings water-quality-tests leak-reports"),
  d("energy", "Energy Office", "能源办公室", "electricity-consumption energy-subsidies solar-installations"),
  d("hospitals", "Hospital Authority", "医院管理局", "bed-occupancy discharge-summaries waiting-times emergency-department-visits"),
  d("disease-control", "Disease Control Centre", "疾病预防控制中心", "infection-surveillance lab-test-results vaccine-stock"),
  d("child-protection", "Child Protection Services", "儿童保护服务", "protection-cases foster-placements school-attendance-alerts"),
  d("elderly-care", "Elderly Care Services", "长者服务", "care-home-residents home-care-visits meal-deliveries"),
  d("disability", "Disability Services", "残疾人服务", "disability-assessments assistive-devices"),
  d("unemployment", "Unemployment Insurance Fund", "失业保险基金", "unemployment-claims benefit-payments training-vouchers"),
  d("health-insurance", "Health Insurance Fund", "医疗保险基金", "insured-persons claims-reimbursed provider-contracts"),
  d("traffic-police", "Traffic Police", "交通警察", "traffic-accidents speeding-tickets parking-fines"),
  d("prosecution", "Prosecution Service", "检察署", "prosecutions case-outcomes"),
  d("prisons", "Correctional Services", "惩教署", "inmate-register parole-decisions probation-register"),
  d("market-regulation", "Market Regulation Bureau", "市场监督管理局", "business-licences inspections price-monitoring"),
  d("food-safety", "Food Safety Centre", "食物安全中心", "restaurant-inspections food-recalls import-food-tests"),
  d("drug-administration", "Drug Administration", "药品监督管理局", "drug-approvals adverse-events"),
  d("consumer-protection", "Consumer Council", "消费者委员会", "complaints product-tests"),
  d("procurement", "Government Procurement Office", "政府采购办公室", "tenders contracts-awarded supplier-register"),
  d("human-resources", "Civil Service Bureau", "公务员事务局", "staff-register payroll vacancies"),
  d("data-office", "Office of the Chief Data Officer", "首席数据官办公室", "open-data-catalogue data-quality-reports data-sharing-agreements"),
  d("it-services", "Digital Services Department", "数字服务署", "e-id-accounts service-uptime cyber-incidents"),
  d("archives", "City Archives", "城市档案馆", "records-transfers archive-requests"),
  d("elections", "Electoral Office", "选举事务处", "voter-register polling-stations candidate-nominations"),
  d("veterans", "Veterans Affairs", "退役军人事务局", "veteran-register veteran-benefits"),
  d("youth", "Youth Services", "青年服务处", "youth-programmes youth-grants"),
  d("culture", "Culture Bureau", "文化局", "heritage-sites cultural-grants"),
  d("libraries", "Public Libraries", "公共图书馆", "library-members loans e-book-usage"),
  d("sports", "Sports Department", "体育署", "sports-facilities facility-bookings"),
  d("tourism", "Tourism Board", "旅游发展局", "hotel-occupancy visitor-arrivals tour-guide-licences"),
  d("parks", "Parks and Recreation", "康乐及公园署", "park-visits tree-register"),
  d("waste", "Waste Management Department", "废物管理署", "waste-collection recycling-rates illegal-dumping-reports"),
  d("sanitation", "Sanitation Department", "环境卫生署", "street-cleaning pest-control"),
  d("buildings", "Buildings Department", "屋宇署", "building-register unsafe-buildings lift-inspections"),
  d("roads", "Highways Department", "路政署", "road-works road-condition streetlight-register"),
  d("railways", "Railway Office", "铁路办公室", "rail-ridership rail-incidents"),
  d("ports", "Marine Department", "海事处", "vessel-arrivals port-cargo ferry-passengers"),
  d("aviation", "Civil Aviation Department", "民航处", "flight-movements airport-passengers"),
  d("meteorology", "Observatory", "天文台", "weather-observations heat-warnings rainfall-records"),
  d("geology", "Geotechnical Office", "土力工程处", "slope-register landslip-reports"),
  d("surveying", "Survey and Mapping Office", "测绘处", "address-register base-maps building-footprints"),
  d("agriculture", "Agriculture Department", "渔农自然护理署", "farm-register livestock-register"),
  d("veterinary", "Veterinary Services", "兽医服务", "animal-licences rabies-vaccinations"),
  d("forestry", "Forestry and Country Parks", "林业及郊野公园署", "forest-inventory wildfire-reports"),
  d("trade", "Trade and Industry Department", "工业贸易署", "export-licences trade-statistics tariff-quotas"),
  d("banking-supervision", "Monetary Authority", "金融管理局", "bank-licences suspicious-transactions payment-statistics"),
  d("securities", "Securities Commission", "证券监察委员会", "listed-companies enforcement-actions"),
  d("insurance-supervision", "Insurance Authority", "保险业监管局", "insurer-licences insurance-complaints"),
  d("competition", "Competition Commission", "竞争事务委员会", "merger-filings cartel-cases"),
  d("patents", "Intellectual Property Office", "知识产权署", "patent-register trademarks"),
  d("science", "Innovation and Technology Bureau", "创新科技局", "research-grants startup-register"),
  d("universities", "University Grants Committee", "大学教育资助委员会", "student-enrolments graduate-outcomes research-output"),
  d("schools", "School Places Allocation Office", "学位分配办公室", "school-places allocation-results school-capacity"),
  d("ethnic-affairs", "Ethnic Affairs Commission", "民族事务委员会", "language-services community-grants"),
  d("religious-affairs", "Religious Affairs Office", "宗教事务办公室", "registered-organisations"),
  d("foreign-affairs", "Protocol Division", "礼宾处", "consular-notifications"),
  d("legal-aid", "Legal Aid Department", "法律援助署", "legal-aid-applications"),
  d("ombudsman", "Office of the Ombudsman", "申诉专员公署", "maladministration-complaints"),
];

/** The ten districts: each keeps its own local registers and consumes city data. */
export const DISTRICTS: readonly DepartmentSpec[] = [
  ["Harbour", "港湾区"],
  ["Old Town", "老城区"],
  ["Riverside", "河滨区"],
  ["Hillside", "山麓区"],
  ["University", "大学城区"],
  ["Airport", "空港区"],
  ["Lakeside", "湖滨区"],
  ["Northgate", "北门区"],
  ["Eastfield", "东田区"],
  ["Westbrook", "西溪区"],
].map(([en, zh], i) =>
  d(
    `district-${String(i + 1).padStart(2, "0")}`,
    `${en} District Office`,
    `${zh}办事处`,
    "resident-services-requests local-permits street-lighting-faults community-centre-bookings",
  ),
);

/** The name given to POST /v1/departments: Chinese and English, as the console shows it. */
export function displayName(s: DepartmentSpec): string {
  return `${s.zh} ${s.en}`;
}

/**
 * Which dataset is derived from which (`derivedFrom`), as a city's data
 * office would draw it: statistics from registers, assessments from income
 * and residence, alerts from enrolments. Acyclic (catalog.ts checks it).
 */
import { DISTRICTS } from "./departments.ts";

const CITY: Record<string, readonly string[]> = {
  "statistics/population-estimates": ["civil-registry/births", "civil-registry/deaths", "immigration/residence-permits"],
  "statistics/labour-force-survey": ["labour/employment-contracts", "unemployment/unemployment-claims"],
  "statistics/price-index": ["market-regulation/price-monitoring"],
  "statistics/business-census": ["business-registry/company-register", "tax/business-tax-returns"],
  "statistics/household-income-survey": ["tax/income-declarations", "pensions/pension-payments"],
  "social-welfare/household-assessments": ["tax/income-declarations", "civil-registry/population-register", "housing/rent-subsidies"],
  "social-welfare/food-aid-vouchers": ["social-welfare/household-assessments"],
  "public-health/outbreak-cases": ["disease-control/lab-test-results", "health/hospital-admissions"],
  "public-health/air-quality-health": ["environment/air-quality-readings", "meteorology/weather-observations"],
  "public-health/water-borne-illness-reports": ["water/water-quality-tests", "disease-control/infection-surveillance"],
  "data-office/open-data-catalogue": ["statistics/population-estimates", "transport/traffic-counts", "environment/air-quality-readings"],
  "data-office/data-quality-reports": ["civil-registry/population-register", "surveying/address-register"],
  "audit-office/spending-reviews": ["finance/budget-execution", "procurement/contracts-awarded"],
  "audit-office/audit-findings": ["finance/grants-paid", "human-resources/payroll"],
  "housing/waiting-list": ["civil-registry/population-register", "social-welfare/household-assessments"],
  "education/school-meal-eligibility": ["social-welfare/benefit-claims", "education/school-enrolments"],
  "schools/allocation-results": ["schools/school-places", "civil-registry/population-register", "surveying/address-register"],
  "planning/land-use-survey": ["land-registry/cadastral-parcels", "surveying/base-maps"],
  "planning/development-applications": ["buildings/building-register", "land-registry/property-titles"],
  "tax/tax-arrears": ["tax/income-declarations", "tax/property-tax-roll"],
  "pensions/pension-payments": ["pensions/contribution-records", "civil-registry/deaths"],
  "unemployment/benefit-payments": ["unemployment/unemployment-claims", "labour/employment-contracts"],
  "labour/job-seekers": ["unemployment/unemployment-claims"],
  "health-insurance/claims-reimbursed": ["hospitals/discharge-summaries", "health/prescriptions-dispensed"],
  "hospitals/waiting-times": ["hospitals/emergency-department-visits", "hospitals/bed-occupancy"],
  "police/patrol-logs": ["emergency/emergency-calls"],
  "traffic-police/speeding-tickets": ["vehicle-registry/vehicle-register", "transport/traffic-counts"],
  "traffic-police/parking-fines": ["vehicle-registry/vehicle-register"],
  "emergency/evacuation-plans": ["geology/slope-register", "meteorology/rainfall-records", "civil-registry/population-register"],
  "emergency/shelter-capacity": ["buildings/building-register", "schools/school-capacity"],
  "fire/building-inspections": ["buildings/building-register", "fire/fire-incidents"],
  "child-protection/school-attendance-alerts": ["education/school-enrolments"],
  "elderly-care/home-care-visits": ["health/clinic-registry", "civil-registry/population-register"],
  "transport/bus-ridership": ["transport/transit-cards"],
  "tourism/hotel-occupancy": ["immigration/border-crossings"],
  "tourism/visitor-arrivals": ["immigration/border-crossings", "aviation/airport-passengers", "ports/ferry-passengers"],
  "trade/trade-statistics": ["customs/import-declarations", "trade/export-licences"],
  "banking-supervision/suspicious-transactions": ["business-registry/director-register"],
  "elections/voter-register": ["civil-registry/population-register", "surveying/address-register"],
  "prosecution/case-outcomes": ["courts/judgments", "prosecution/prosecutions"],
  "prisons/parole-decisions": ["courts/judgments", "prisons/inmate-register"],
  "waste/recycling-rates": ["waste/waste-collection"],
  "water/leak-reports": ["water/water-meter-readings"],
  "energy/energy-subsidies": ["energy/electricity-consumption", "social-welfare/benefit-claims"],
  "universities/graduate-outcomes": ["universities/student-enrolments", "tax/income-declarations"],
};

/** Dataset id → the dataset ids it is derived from. */
export const LINEAGE: Readonly<Record<string, readonly string[]>> = {
  ...CITY,
  ...Object.fromEntries(
    DISTRICTS.flatMap((d) => [
      [`${d.id}/resident-services-requests`, ["surveying/address-register"]],
      [`${d.id}/local-permits`, ["planning/building-permits"]],
    ]),
  ),
};

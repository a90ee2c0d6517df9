/**
 * Why departments exchange data in the demo city, each with the (fictional)
 * legal basis the record cites. Purposes are grouped by statistics, so the
 * list is short and reused: regulators see a handful of clear groups.
 */

export interface Purpose {
  readonly purpose: string;
  readonly legalBasis: string;
}

export const PURPOSES: readonly Purpose[] = [
  { purpose: "benefit eligibility check", legalBasis: "Social Assistance Ordinance s.12(3)" },
  { purpose: "tax assessment", legalBasis: "Inland Revenue Ordinance s.51" },
  { purpose: "criminal investigation", legalBasis: "Police Force Ordinance s.10(c)" },
  { purpose: "official statistics", legalBasis: "Census and Statistics Ordinance s.9" },
  { purpose: "public health surveillance", legalBasis: "Prevention and Control of Disease Ordinance s.7" },
  { purpose: "urban planning", legalBasis: "Town Planning Ordinance s.4A" },
  { purpose: "emergency response", legalBasis: "Emergency Management Ordinance s.5" },
  { purpose: "housing allocation", legalBasis: "Housing Ordinance s.17" },
  { purpose: "fraud detection", legalBasis: "City Data Sharing Ordinance s.6(2)(b)" },
  { purpose: "licence verification", legalBasis: "Licensing Procedures Ordinance s.3" },
  { purpose: "school place allocation", legalBasis: "Education Ordinance s.74" },
  { purpose: "pension calculation", legalBasis: "Pensions Ordinance s.21" },
  { purpose: "audit of public spending", legalBasis: "Audit Ordinance s.8" },
  { purpose: "court proceedings", legalBasis: "Judicial Proceedings Ordinance s.30" },
  { purpose: "resident service delivery", legalBasis: "District Councils Ordinance s.61" },
  { purpose: "environmental monitoring", legalBasis: "Environmental Protection Ordinance s.15" },
  { purpose: "transport planning", legalBasis: "Road Traffic Ordinance s.111" },
  { purpose: "immigration control", legalBasis: "Immigration Ordinance s.4" },
  { purpose: "market supervision", legalBasis: "Trade Descriptions Ordinance s.16" },
  { purpose: "research (anonymised)", legalBasis: "City Data Sharing Ordinance s.9(1)" },
  { purpose: "address validation", legalBasis: "City Data Sharing Ordinance s.4(1)" },
  { purpose: "child safeguarding", legalBasis: "Protection of Children Ordinance s.34" },
];

// The fake workspace the local Pitchly's plugin page shows: a few tables, fields and records with platform-style ids.

export interface WorkspaceField {
  id: string;
  name: string;
  type: "text" | "number" | "attachment";
}

export interface WorkspaceTable {
  id: string;
  name: string;
  fields: WorkspaceField[];
  /** Each record's values, in the order of `fields`. */
  records: Array<{ id: string; values: string[] }>;
}

/** Default workspace id: Pitchly's ids are a 3-letter prefix and 17 characters. */
export const DEFAULT_WORKSPACE_ID = "wksLocalWorkspace001";

// Invented: Pitchly's table id prefix is not captured anywhere we can read; `tbl` follows its pattern.
export const WORKSPACE_TABLES: readonly WorkspaceTable[] = [
  {
    id: "tblDeals000000000001",
    name: "Deals",
    fields: [
      { id: "fldDealName000000001", name: "Deal", type: "text" },
      { id: "fldDealStage00000001", name: "Stage", type: "text" },
      { id: "fldDealAmount0000001", name: "Amount", type: "number" },
    ],
    records: [
      { id: "recDeal0000000000001", values: ["Acme renewal", "Negotiation", "120000"] },
      { id: "recDeal0000000000002", values: ["Globex expansion", "Proposal", "85000"] },
      { id: "recDeal0000000000003", values: ["Initech pilot", "Qualified", "24000"] },
    ],
  },
  {
    id: "tblCompanies00000001",
    name: "Companies",
    fields: [
      { id: "fldCompanyName000001", name: "Company", type: "text" },
      { id: "fldCompanyCity000001", name: "City", type: "text" },
      { id: "fldCompanyLogo000001", name: "Logo", type: "attachment" },
    ],
    records: [
      { id: "recCompany0000000001", values: ["Acme Corp", "Springfield", ""] },
      { id: "recCompany0000000002", values: ["Globex", "Cypress Creek", ""] },
    ],
  },
];

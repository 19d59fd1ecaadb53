/** A text of the audit report in both its languages. */
export interface Text {
  fr: string;
  en: string;
}

export const t = (fr: string, en: string): Text => ({ fr, en });

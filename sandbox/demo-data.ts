/**
 * The sandbox's demo dataset: a few dozen French small-business customers of the agency, with the
 * quotes and invoices Sage holds for them. Deterministic (same data on every start), in Sage
 * Business Cloud's v3.1 request shapes. Pure.
 */
const BUSINESSES: Array<[name: string, city: string, postcode: string, street: string, first: string, last: string]> = [
  ['Boulangerie Martin', 'Lyon', '69001', '3 rue des Fours', 'Claire', 'Martin'],
  ['Garage Dubois & Fils', 'Villeurbanne', '69100', '18 avenue Roger Salengro', 'Marc', 'Dubois'],
  ['Cabinet Lefèvre Avocats', 'Paris', '75008', '42 rue de Miromesnil', 'Sophie', 'Lefèvre'],
  ['Pharmacie du Marché', 'Nantes', '44000', '5 place du Bouffay', 'Julien', 'Moreau'],
  ['Fleurs de Lise', 'Bordeaux', '33000', '11 rue Sainte-Catherine', 'Élise', 'Garnier'],
  ['Atelier Roux Ébénisterie', 'Annecy', '74000', '7 chemin des Fins', 'Paul', 'Roux'],
  ['Hôtel Les Tilleuls', 'Colmar', '68000', '2 rue des Marchands', 'Anne', 'Schmitt'],
  ['Cave Bernard', 'Beaune', '21200', '24 rue Carnot', 'Hugo', 'Bernard'],
  ['Auto-École Mistral', 'Marseille', '13006', '90 rue de Rome', 'Nadia', 'Benali'],
  ['Crèche Les Petits Pas', 'Lille', '59000', '15 rue Esquermoise', 'Camille', 'Lambert'],
  ['Plomberie Girard', 'Toulouse', '31000', '8 allée Jean Jaurès', 'Thomas', 'Girard'],
  ['Librairie La Plume', 'Rennes', '35000', '3 rue Le Bastard', 'Léa', 'Fontaine'],
  ['Restaurant Le Vieux Port', 'Marseille', '13002', '1 quai du Port', 'Karim', 'Haddad'],
  ['Ostéopathie Chevalier', 'Grenoble', '38000', '12 cours Berriat', 'Lucie', 'Chevalier'],
  ['Menuiserie Blanc', 'Chambéry', '73000', '30 faubourg Montmélian', 'Antoine', 'Blanc'],
  ['Agence Immobilière du Parc', 'Lyon', '69006', '56 boulevard des Belges', 'Isabelle', 'Perrin'],
  ['Salon Coiffure Inès', 'Montpellier', '34000', '9 rue de la Loge', 'Inès', 'Mercier'],
  ['Domaine des Coteaux', 'Saumur', '49400', 'Route de Champigny', 'Vincent', 'Leroy'],
  ['Cabinet Dentaire Faure', 'Clermont-Ferrand', '63000', '21 rue Blatin', 'Nathalie', 'Faure'],
  ['Traiteur Rousseau', 'Tours', '37000', '6 rue Colbert', 'Olivier', 'Rousseau'],
  ['Expert-Comptable Marchand', 'Dijon', '21000', '40 rue de la Liberté', 'Sandrine', 'Marchand'],
  ['Chocolaterie Dupont', 'Strasbourg', '67000', '4 rue du Dôme', 'Louis', 'Dupont'],
  ['Camping Les Pins', 'Arcachon', '33120', 'Allée des Pins', 'Sylvie', 'Lacroix'],
  ['Électricité Bonnet', 'Angers', '49000', '17 rue Plantagenêt', 'Julien', 'Bonnet'],
  ['Yoga Studio Lumière', 'Nice', '06000', '28 rue de France', 'Chloé', 'Muller'],
  ['Ferme du Grand Chêne', 'Rouen', '76000', 'Chemin du Grand Chêne', 'Pierre', 'Lemoine'],
  ['Opticien Vasseur', 'Amiens', '80000', '10 rue des Trois Cailloux', 'Aurélie', 'Vasseur'],
  ['Architecte Morel', 'Aix-en-Provence', '13100', '5 cours Mirabeau', 'François', 'Morel'],
  ['Brasserie du Théâtre', 'Reims', '51100', '13 place Drouet d’Erlon', 'Émilie', 'Caron'],
  ['Pressing Éclat', 'Metz', '57000', '22 rue Serpenoise', 'Yann', 'Gauthier'],
];

const SERVICES: Array<[string, number]> = [
  ['Site vitrine (5 pages)', 1_490],
  ['Maintenance WordPress (mois)', 79],
  ['Hébergement + nom de domaine (an)', 180],
  ['Audit de performance', 450],
  ['Référencement local (forfait)', 690],
  ['Boutique en ligne (installation)', 2_900],
  ['Intervention sur site (heure)', 65],
];

export interface DemoCustomer {
  reference: string;
  body: Record<string, unknown>;
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The customers, as Sage contact bodies (contact_type CUSTOMER). */
export function demoCustomers(): DemoCustomer[] {
  return BUSINESSES.map(([name, city, postcode, street, first, last], i) => {
    const reference = `CLI${String(i + 1).padStart(4, '0')}`;
    const phone = `0${1 + (i % 5)} ${String(20 + i).padStart(2, '0')} ${String(40 + ((i * 7) % 50)).padStart(2, '0')} ${String(10 + ((i * 13) % 80)).padStart(2, '0')} ${String(10 + ((i * 31) % 80)).padStart(2, '0')}`;
    return {
      reference,
      body: {
        name,
        reference,
        contact_type_ids: ['CUSTOMER'],
        main_address: { address_line_1: street, city, postal_code: postcode, country_id: 'FR' },
        main_contact_person: { name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}@${slug(name)}.example`, telephone: phone },
        currency_id: 'EUR',
      },
    };
  });
}

/** Quotes and invoices for customer index `i` (0-based): dated in the autumn of `year`. */
export function demoDocuments(i: number, year: number): { quotes: Array<Record<string, unknown>>; invoices: Array<Record<string, unknown>> } {
  const line = (k: number) => {
    const [description, unit_price] = SERVICES[(i + k) % SERVICES.length]!;
    return { description, quantity: 1 + ((i + k) % 3), unit_price };
  };
  const day = (d: number) => `${year}-${String(9 + Math.floor(d / 28)).padStart(2, '0')}-${String(1 + (d % 28)).padStart(2, '0')}`;
  const quotes = i % 3 === 2 ? [] : [{ date: day(i), expiry_date: day(i + 30), quote_lines: [line(0), line(1)] }];
  const invoices = i % 2 === 0 ? [{ date: day(i + 5), due_date: day(i + 35), invoice_lines: [line(2)] }] : [];
  return { quotes, invoices };
}

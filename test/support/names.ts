export const TEMPLATE_DB = 'atelier_test_template';

// Prettier for the addons' JavaScript, XML, CSS and YAML: OCA's settings for Odoo 18+,
// at the house's 100 columns.
/** @type {import('prettier').Config} */
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 100,
    proseWrap: "always",
    semi: true,
    tabWidth: 4,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
    // OCA's .editorconfig: 4 spaces, 2 for JSON and YAML.
    overrides: [{files: ["*.json", "*.yml", "*.yaml"], options: {tabWidth: 2}}],
};

module.exports = config;

// ESLint for the addons' Odoo 19 JavaScript (ES modules, OWL, browser globals).
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
    {
        // .fhdev/ holds the Odoo source that `fhdev install --odoo` unpacks: not ours.
        ignores: ["node_modules/**", "**/static/lib/**", "dist/**", ".fhdev/**"],
    },
    js.configs.recommended,
    {
        files: ["**/*.js"],
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: {
                ...globals.browser,
                odoo: "readonly",
                owl: "readonly",
                luxon: "readonly",
                QUnit: "readonly",
            },
        },
        rules: {
            eqeqeq: "error",
            "no-console": "error",
            "no-debugger": "error",
            "no-eval": "error",
            "no-implicit-globals": "error",
            "no-var": "error",
            "prefer-const": "error",
        },
    },
    {
        files: ["*.config.cjs", "eslint.config.cjs"],
        languageOptions: {sourceType: "commonjs", globals: globals.node},
    },
];

import globals from "globals";

export default [
    {
        files: ["addons/**/*.js"],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: { ...globals.browser, odoo: "readonly", owl: "readonly" },
        },
        rules: {
            "no-unused-vars": ["error", { args: "none" }],
            "no-undef": "error",
            "prefer-const": "error",
            "no-var": "error",
            eqeqeq: ["error", "smart"],
        },
    },
];

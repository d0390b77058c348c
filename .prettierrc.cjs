// The formatting OCA's addon repositories apply to XML (their 18.0 template's settings).
module.exports = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    printWidth: 88,
    bracketSpacing: false,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    // whitespace in XML may mean something (a view's text, a mail body): kept as written
    xmlWhitespaceSensitivity: "preserve",
};

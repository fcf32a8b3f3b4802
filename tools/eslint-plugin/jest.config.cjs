module.exports = require('../../jest.preset.cjs')(__dirname, 'eslint-plugin');

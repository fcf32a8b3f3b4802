#!/usr/bin/env node
// The curio-monitor command. A committed file rather than dist/cli.js itself: npm links a
// package's bins when it installs it, and in a fresh clone of the workspace that is
// before the first build has made dist/ (npm then links nothing, and npx looks for the
// command on the registry).
import '../dist/cli.js';

// Where the browser tests find Chromium, and what to say when it is not there.
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM}: the browser tests need Debian's Chromium and CJK fonts (sudo apt-get install -y chromium fonts-noto-cjk), or set CHROMIUM=/path/to/chromium`;

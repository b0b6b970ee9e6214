// Single place that imports the vendored libraries (relative paths: the CSP forbids inline import maps).
import { h, render, Fragment, createContext } from '/vendor/preact.module.js';
import { useState, useEffect, useRef, useMemo, useCallback, useContext, useLayoutEffect } from '/vendor/hooks.module.js';
import htm from '/vendor/htm.module.js';

export const html = htm.bind(h);
export { h, render, Fragment, createContext, useState, useEffect, useRef, useMemo, useCallback, useContext, useLayoutEffect };

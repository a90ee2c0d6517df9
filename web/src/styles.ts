/** The styles every view shares (adopted stylesheets: allowed by the CSP's style-src 'self'). */
import { css } from "lit";

export const shared = css`
  :host {
    display: block;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 0.75rem;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.5rem;
  }
  h3 {
    font-size: 1rem;
    margin: 0.75rem 0 0.25rem;
  }
  p {
    margin: 0.25rem 0 0.75rem;
  }
  .muted {
    color: var(--dx-muted);
  }
  .mono {
    font-family: var(--dx-mono);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .card {
    background: var(--dx-card);
    border: 1px solid var(--dx-line);
    border-radius: 8px;
    padding: 1rem;
    margin-bottom: 1rem;
    min-width: 0;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
    gap: 1rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
  }
  .spread {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: baseline;
    justify-content: space-between;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    font-size: 0.85rem;
    color: var(--dx-muted);
  }
  input,
  select,
  textarea,
  button {
    font: inherit;
    font-size: 0.95rem;
  }
  input,
  select,
  textarea {
    padding: 0.4rem 0.5rem;
    border: 1px solid #8795a3;
    border-radius: 6px;
    background: #fff;
    color: var(--dx-fg);
    min-width: 0;
    max-width: 100%;
  }
  textarea {
    width: 100%;
    font-family: var(--dx-mono);
    font-size: 0.8rem;
  }
  button,
  .button {
    padding: 0.45rem 0.9rem;
    border-radius: 6px;
    border: 1px solid var(--dx-accent);
    background: var(--dx-accent);
    color: var(--dx-accent-fg);
    cursor: pointer;
    text-decoration: none;
    display: inline-block;
  }
  button.secondary {
    background: #fff;
    color: var(--dx-accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 3px solid #f0a500;
    outline-offset: 2px;
  }
  a {
    color: var(--dx-accent);
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--dx-line);
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--dx-muted);
  }
  td.n,
  th.n {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .totals {
    display: flex;
    flex-wrap: wrap;
    gap: 1.5rem;
    margin: 0.25rem 0 0.5rem;
  }
  .totals strong {
    display: block;
    font-size: 1.4rem;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    border: 1px solid currentColor;
  }
  .ok {
    color: var(--dx-ok);
  }
  .bad {
    color: var(--dx-bad);
  }
  .warn {
    color: var(--dx-warn);
  }
  .error {
    color: var(--dx-bad);
    font-weight: 600;
  }
  details summary {
    cursor: pointer;
    color: var(--dx-accent);
    margin: 0.5rem 0;
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0;
  }
`;

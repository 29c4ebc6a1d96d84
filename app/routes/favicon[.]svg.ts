// The site's icon: a vial on the brand colour, as SVG (one file for every size).
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2355c4"/><path d="M12 5h8v3h-1v15a3 3 0 0 1-6 0V8h-1z" fill="#fff"/><path d="M14 15h4v8a2 2 0 0 1-4 0z" fill="#9fc0ff"/></svg>`;

export function loader() {
  return new Response(SVG, { headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' } });
}

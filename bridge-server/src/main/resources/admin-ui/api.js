// The one way the page talks to the bridge: the admin API under /api, with the token from
// sessionStorage in the Authorization header. Never a cookie, never the URL.

const TOKEN_KEY = 'confbridge.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** An answer other than 2xx: the API's status, error code, message and the field it concerns. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.error = body && body.error ? body.error : null;
    this.field = body && body.field ? body.field : null;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (token() || '') };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}

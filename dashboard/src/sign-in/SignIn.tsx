import { useEffect, useState, type FormEvent } from 'react';
import { demoUsers, saveToken, type DemoUser } from '../client/auth';

/**
 * Sign-in: paste a token from the dealer's issuer or an API key; while the development issuer runs (npm start
 * without AUTH_ISSUER), pick one of the demo users instead.
 */
export function SignIn({ onSignedIn, reason }: { onSignedIn: () => void; reason: string | null }) {
  const [token, setToken] = useState('');
  const [users, setUsers] = useState<DemoUser[]>([]);
  useEffect(() => void demoUsers().then(setUsers), []);
  const signIn = (value: string) => {
    saveToken(value);
    onSignedIn();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) signIn(token);
  };
  return (
    <main className="sign-in">
      <h1>Customer platform · Dashboard</h1>
      {reason && <p className="problem">{reason}</p>}
      <form onSubmit={submit}>
        <label htmlFor="token">Token or API key</label>
        <input id="token" name="token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="Bearer eyJ… or crmk_…" autoComplete="off" />
        <button type="submit">Sign in</button>
      </form>
      {users.length > 0 && (
        <section>
          <h2>Demo users (development issuer)</h2>
          <ul className="demo-users">
            {users.map((user) => (
              <li key={user.name}>
                <button type="button" onClick={() => signIn(user.token)}>
                  {user.name} <small>{user.role}</small>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

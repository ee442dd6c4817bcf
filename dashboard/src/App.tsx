import { useEffect, useState } from 'react';
import { forgetToken, savedToken } from './client/auth';
import { useConnection } from './client/hooks';
import { closeLive } from './client/live';
import { SignIn } from './sign-in/SignIn';
import { SearchBox } from './search/SearchBox';
import { SalesScreen } from './sales/SalesScreen';
import { ServiceScreen } from './service/ServiceScreen';
import { MarketingScreen } from './marketing/MarketingScreen';
import { CustomerScreen } from './customer/CustomerScreen';

const SCREENS = [
  { path: 'sales', label: 'Sales' },
  { path: 'service', label: 'Service' },
  { path: 'marketing', label: 'Marketing' },
] as const;

/** The screen is in the URL's hash (#/sales, #/customer/<id>): links and reloads keep it, the server serves one page. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  const [signedIn, setSignedIn] = useState(Boolean(savedToken()));
  const [refusal, setRefusal] = useState<string | null>(null);
  const connection = useConnection();
  const [screen = 'sales', id] = useRoute();
  const signOut = () => {
    forgetToken();
    void closeLive();
    setSignedIn(false);
  };
  useEffect(() => {
    if (connection !== 'signed-out') return;
    setRefusal('Your sign-in was refused or has expired: sign in again.');
    signOut();
  }, [connection]);
  if (!signedIn)
    return (
      <SignIn
        onSignedIn={() => {
          setRefusal(null);
          setSignedIn(true);
        }}
        reason={refusal}
      />
    );
  return (
    <>
      <header className="top">
        <strong className="brand">Dashboard</strong>
        <nav>
          {SCREENS.map((s) => (
            <a key={s.path} href={`#/${s.path}`} aria-current={screen === s.path ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
        <SearchBox open={(customerId) => (location.hash = `#/customer/${customerId}`)} />
        <button type="button" className="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      {connection === 'lost' && (
        <div className="banner" role="status" data-banner="connection">
          Connection lost — reconnecting…
        </div>
      )}
      <main className="screen">
        {screen === 'sales' && <SalesScreen />}
        {screen === 'service' && <ServiceScreen />}
        {screen === 'marketing' && <MarketingScreen />}
        {screen === 'customer' && id && <CustomerScreen id={id} key={id} />}
      </main>
    </>
  );
}

import type { TMe, TPermission } from '@sinergi/domain';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setSessionLostHandler, type SignInResult } from '../../api';

export type AuthState =
  | { status: 'loading' }
  | { status: 'unreachable'; error: unknown }
  | { status: 'signedOut'; reason: 'none' | 'expired' | 'loggedOut' }
  | { status: 'signedIn'; me: TMe };

interface AuthApi {
  state: AuthState;
  signedIn: (result: SignInResult) => void;
  signOut: () => Promise<void>;
  refreshMe: () => Promise<void>;
  retry: () => void;
}

const AuthContext = createContext<AuthApi | null>(null);

/*
 * The last signed-in user is remembered on the device so the field form opens with no signal
 * (the session cookie is still there; the server judges it again when the signal returns).
 * Forgotten on sign-out and when the server ends the session.
 */
const ME_KEY = 'sinergi.me';

function rememberMe(me: TMe | null): void {
  try {
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
    else localStorage.removeItem(ME_KEY);
  } catch {
    // storage blocked: no offline start on this device
  }
}

function rememberedMe(): TMe | null {
  try {
    const text = localStorage.getItem(ME_KEY);
    return text ? (JSON.parse(text) as TMe) : null;
  } catch {
    return null;
  }
}

/** Holds who is signed in; any 401 from a signed-in request ends the session in the UI too. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    api.me().then(
      (me) => {
        if (!live) return;
        setCsrfToken(me.csrfToken);
        rememberMe(me);
        setState({ status: 'signedIn', me });
      },
      (error: unknown) => {
        if (!live) return;
        const cached = rememberedMe();
        if (error instanceof ApiError && error.status === 401) {
          rememberMe(null);
          setState({ status: 'signedOut', reason: 'none' });
        } else if (error instanceof ApiError && error.code === 'network' && cached) {
          // no signal: carry on as the remembered user; checked again when the signal returns
          setCsrfToken(cached.csrfToken);
          setState({ status: 'signedIn', me: cached });
          const recheck = () => setAttempt((a) => a + 1);
          window.addEventListener('online', recheck, { once: true });
        } else setState({ status: 'unreachable', error });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  useEffect(() => {
    setSessionLostHandler(() => {
      setCsrfToken(null);
      rememberMe(null);
      setState((s) => (s.status === 'signedIn' ? { status: 'signedOut', reason: 'expired' } : s));
    });
    return () => setSessionLostHandler(null);
  }, []);

  const signedIn = useCallback((result: SignInResult) => {
    setCsrfToken(result.user.csrfToken);
    rememberMe(result.user);
    setState({ status: 'signedIn', me: result.user });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken(null);
      rememberMe(null);
      setState({ status: 'signedOut', reason: 'loggedOut' });
    }
  }, []);

  const refreshMe = useCallback(async () => {
    const me = await api.me();
    setCsrfToken(me.csrfToken);
    rememberMe(me);
    setState({ status: 'signedIn', me });
  }, []);

  const value = useMemo(
    () => ({ state, signedIn, signOut, refreshMe, retry: () => setAttempt((a) => a + 1) }),
    [state, signedIn, signOut, refreshMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for components rendered inside the signed-in shell. */
export function useMe(): TMe {
  const { state } = useAuth();
  if (state.status !== 'signedIn') throw new Error('useMe without a signed-in user');
  return state.me;
}

export function hasPermission(me: TMe, permission: TPermission): boolean {
  return me.permissions.includes(permission);
}

import type { Me } from '@enroll/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, whenUnauthenticated } from '../../../shared/api/http';
import { fetchMe, logout as callLogout } from '../api/auth';

/** Why the person is at the sign-in page: never signed in, signed out, or the session ran out. */
export type SignedOutReason = 'none' | 'signed-out' | 'expired';

interface Session {
  readonly me: Me | null;
  readonly loading: boolean;
  readonly reason: SignedOutReason;
  readonly signedIn: (me: Me) => void;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
export const ME_KEY = ['me'] as const;

/** Holds who is signed in. Any 401 from the API ends the session and says it expired. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [reason, setReason] = useState<SignedOutReason>('none');
  const me = useQuery({
    queryKey: ME_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await fetchMe(signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          return null;
        }
        throw error;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  const current = me.data ?? null;

  useEffect(() => {
    whenUnauthenticated(() => {
      if (client.getQueryData(ME_KEY)) {
        setReason('expired');
      }
      client.setQueryData(ME_KEY, null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    });
  }, [client]);

  const signedIn = useCallback(
    (user: Me) => {
      setReason('none');
      client.setQueryData(ME_KEY, user);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    try {
      await callLogout();
    } finally {
      setReason('signed-out');
      client.setQueryData(ME_KEY, null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    }
  }, [client]);

  const value = useMemo<Session>(
    () => ({ me: current, loading: me.isPending, reason, signedIn, signOut }),
    [current, me.isPending, reason, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error('useSession outside SessionProvider');
  }
  return session;
}

/** The signed-in person; only for pages behind RequireSession. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) {
    throw new Error('useMe without a session');
  }
  return me;
}

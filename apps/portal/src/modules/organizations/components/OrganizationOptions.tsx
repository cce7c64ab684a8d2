import { useOrganizations } from '../api/organizations';

/** The organizations as <option>s, after a first empty one ("Choose…", "All organizations"). */
export function OrganizationOptions({ empty }: { empty: string }) {
  const organizations = useOrganizations();
  return (
    <>
      <option value="">{empty}</option>
      {organizations.data?.map((o) => (
        <option key={o.code} value={o.code}>
          {o.code} — {o.name}
        </option>
      ))}
    </>
  );
}

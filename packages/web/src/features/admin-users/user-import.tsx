import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type ImportResult } from '../../api';
import { formatNumber } from '../../lib/format';
import { CopyButton, ErrorAlert, Notice } from '../../ui';
import { UsersBreadcrumb } from './users-breadcrumb';

const HEADER = 'username,fullName,role,pillarCode,position,phone,email,scopes';
const EXAMPLE = `${HEADER}\nbhabin.contoh,Bripka Contoh,field_officer,polri,Bhabinkamtibmas,,,33.10.04.2001 33.10.04.2002\n`;

interface RowProblem {
  row: string;
  field: string;
  message: string;
}

/** `row 3.scopes.0` → row 3, field scopes; other paths (e.g. `file`) have no row. */
function rowProblems(error: ApiError): RowProblem[] {
  return error.fields.map((f) => {
    const match = /^row (\d+)\.?(.*)$/.exec(f.path);
    return match ? { row: match[1]!, field: match[2] || '—', message: f.message } : { row: '—', field: f.path, message: f.message };
  });
}

function codesAsText(result: ImportResult): string {
  return ['username\toneTimeCode', ...result.users.map((u) => `${u.username}\t${u.oneTimeCode ?? ''}`)].join('\n');
}

/** Bulk import: a CSV or XLSX file; all rows are created or none, with each bad row listed. */
export function UserImportPage() {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [missingFile, setMissingFile] = useState(false);
  const templateHref = `data:text/csv;charset=utf-8,${encodeURIComponent(EXAMPLE)}`;
  const problems = error instanceof ApiError ? rowProblems(error) : [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setMissingFile(true);
      return;
    }
    setMissingFile(false);
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.importUsers(file));
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack-lg">
      <UsersBreadcrumb current={t('users.import')} />
      <h1>{t('users.import')}</h1>
      <div className="card stack">
        <p>{t('import.intro')}</p>
        <pre className="code-block" aria-label={t('import.header')}>{HEADER}</pre>
        <ul className="bullets">
          <li>{t('import.ruleRoles')}</li>
          <li>{t('import.ruleScopes')}</li>
          <li>{t('import.ruleAtomic')}</li>
        </ul>
        <p>
          <a href={templateHref} download="sinergi-pengguna-contoh.csv">
            {t('import.template')}
          </a>
        </p>
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <div className={`field${missingFile ? ' field-invalid' : ''}`}>
            <label htmlFor="import-file">{t('import.file')}</label>
            <input
              ref={input}
              id="import-file"
              name="file"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-invalid={missingFile ? true : undefined}
              aria-describedby={missingFile ? 'import-file-error' : undefined}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            {missingFile ? (
              <p className="field-error" id="import-file-error">
                {t('import.noFile')}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('import.uploading') : t('import.submit')}
            </button>
          </div>
          {busy ? (
            <p role="status" className="loading">
              <span className="spinner" aria-hidden="true" />
              {t('import.progress', { name: file?.name ?? '' })}
            </p>
          ) : null}
        </form>
      </div>

      {error ? (
        <section className="stack" aria-labelledby="import-errors-title">
          <ErrorAlert error={error}>{problems.length ? <p>{t('import.nothingCreated')}</p> : null}</ErrorAlert>
          {problems.length ? (
            <>
              <h2 id="import-errors-title">{t('import.problems', { count: problems.length })}</h2>
              <div className="table-wrap">
                <table className="table" data-testid="import-errors">
                  <thead>
                    <tr>
                      <th scope="col">{t('import.row')}</th>
                      <th scope="col">{t('import.column')}</th>
                      <th scope="col">{t('import.problem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {problems.map((p, i) => (
                      <tr key={i}>
                        <td className="num">{p.row}</td>
                        <td className="code">{p.field}</td>
                        <td>{p.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </section>
      ) : null}

      {result ? (
        <section className="stack" aria-labelledby="import-result-title">
          <Notice tone="success">
            <p id="import-result-title">{t('import.created', { count: result.created, shown: formatNumber(result.created) })}</p>
          </Notice>
          <p>{t('import.codesNote')}</p>
          <div className="actions">
            <CopyButton text={codesAsText(result)} label={t('import.copyAll')} />
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="import-result">
              <thead>
                <tr>
                  <th scope="col">{t('users.username')}</th>
                  <th scope="col">{t('users.oneTimeCode')}</th>
                </tr>
              </thead>
              <tbody>
                {result.users.map((u) => (
                  <tr key={u.username}>
                    <td>{u.username}</td>
                    <td className="code">{u.oneTimeCode ?? t('users.passwordSetShort')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { FormActions } from '../../../shared/components/FormActions';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { formatDateTime } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import {
  createWebhook,
  deleteWebhook,
  EVENT_NAMES,
  notificationKeys,
  useDeliveries,
  useNotificationSettings,
  useWebhooks,
  type EventName,
  type Webhook,
} from '../api/notifications';

interface Values {
  url: string;
  events: EventName[];
  secret: string;
}

/** Whether mail goes out at all, and from whom; said plainly when it does not. */
function MailSettings() {
  const { t } = useTranslation();
  const settings = useNotificationSettings();
  return (
    <section className="card" aria-labelledby="mail-title">
      <h2 id="mail-title">{t('notifications.mailTitle')}</h2>
      <ProblemAlert error={settings.error} />
      {settings.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : settings.data?.mail.enabled ? (
        <p>{t('notifications.mailOn', { from: settings.data.mail.from ?? '—' })}</p>
      ) : settings.data ? (
        <p className="notice">{t('notifications.mailOff')}</p>
      ) : null}
    </section>
  );
}

/** A webhook's latest deliveries, each with its attempts. */
function Deliveries({ webhook, id }: { webhook: Webhook; id: string }) {
  const { t } = useTranslation();
  const deliveries = useDeliveries(webhook.id, true);
  const items = deliveries.data ?? [];
  return (
    <div id={id}>
      <ProblemAlert error={deliveries.error} />
      {deliveries.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : items.length === 0 && !deliveries.error ? (
        <p className="muted">{t('notifications.noDeliveries')}</p>
      ) : items.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('notifications.deliveriesOf', { url: webhook.url })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notifications.colEvent')}</th>
                <th scope="col">{t('notifications.colEventId')}</th>
                <th scope="col">{t('notifications.colStatus')}</th>
                <th scope="col">{t('notifications.colAttempts')}</th>
                <th scope="col">{t('notifications.colLastAttempt')}</th>
                <th scope="col">{t('notifications.colNext')}</th>
                <th scope="col">{t('notifications.colSent')}</th>
                <th scope="col">{t('notifications.colError')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>{t(`notifications.eventName.${d.event}`)}</td>
                  <td className="mono">{d.eventId}</td>
                  <td>
                    <span className={`badge badge-delivery-${d.status}`}>
                      {t(`notifications.deliveryStatus.${d.status}`)}
                    </span>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{formatDateTime(d.lastAttemptAt)}</td>
                  <td>{formatDateTime(d.nextAttemptAt)}</td>
                  <td>{formatDateTime(d.sentAt)}</td>
                  <td>{d.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/** One registered webhook: where, what, its deliveries on demand, and its removal. */
function WebhookItem({ webhook, onDeleted }: { webhook: Webhook; onDeleted: (url: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const deliveriesId = useId();
  const remove = useMutation({
    mutationFn: () => deleteWebhook(webhook.id),
    onSuccess: () => {
      onDeleted(webhook.url);
      void client.invalidateQueries({ queryKey: notificationKeys.webhooks });
    },
  });
  return (
    <li className="card webhook">
      <h3 className="mono">{webhook.url}</h3>
      <p>
        {t('notifications.subscribed')} {webhook.events.map((e) => t(`notifications.eventName.${e}`)).join(', ')}
      </p>
      <p className="muted">
        {t('notifications.createdBy', { who: webhook.createdBy, when: formatDateTime(webhook.createdAt) })}
      </p>
      <div className="row-actions">
        <button type="button" aria-expanded={open} aria-controls={deliveriesId} onClick={() => setOpen(!open)}>
          {t(open ? 'notifications.hideDeliveries' : 'notifications.showDeliveries')}{' '}
          <span className="visually-hidden">{t('notifications.forWebhook', { url: webhook.url })}</span>
        </button>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => window.confirm(t('notifications.deleteConfirm', { url: webhook.url })) && remove.mutate()}
        >
          {t('notifications.delete')}{' '}
          <span className="visually-hidden">{t('notifications.forWebhook', { url: webhook.url })}</span>
        </button>
      </div>
      <ProblemAlert error={remove.error} />
      {open && <Deliveries webhook={webhook} id={deliveriesId} />}
    </li>
  );
}

/** The administrator's notifications: the state of mail, the centre's webhooks and what they were sent. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  useTitle(t('title.notifications'));
  const client = useQueryClient();
  const webhooks = useWebhooks();
  const [done, setDone] = useState<string | null>(null);
  const listTitle = useRef<HTMLHeadingElement>(null);
  const form = useForm<Values>({ defaultValues: { url: '', events: [], secret: '' } });
  const errors = form.formState.errors;
  const create = useMutation({
    mutationFn: (v: Values) => createWebhook({ url: v.url.trim(), events: v.events, secret: v.secret }),
    onSuccess: (created) => {
      form.reset();
      setDone(t('notifications.created', { url: created.url }));
      void client.invalidateQueries({ queryKey: notificationKeys.webhooks });
    },
    onError: (error) => showFieldProblems(error, form.setError, ['url', 'events', 'secret']),
  });
  const items = webhooks.data ?? [];

  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">{t('notifications.title')}</h1>
      <p role="status" className="muted">
        {done}
      </p>
      <MailSettings />

      <form
        className="card form-grid"
        aria-label={t('notifications.newTitle')}
        onSubmit={(e) => void form.handleSubmit((v) => create.mutate(v))(e)}
        noValidate
      >
        <h2>{t('notifications.newTitle')}</h2>
        <Field label={t('notifications.url')} hint={t('notifications.urlHint')} error={errors.url?.message}>
          {(p) => (
            <input
              {...p}
              type="url"
              autoComplete="off"
              {...form.register('url', {
                required: t('notifications.urlRequired'),
                pattern: { value: /^https?:\/\/[^\s/?#]+\S*$/i, message: t('notifications.urlPattern') },
              })}
            />
          )}
        </Field>
        <fieldset className="field" aria-invalid={Boolean(errors.events)}>
          <legend>{t('notifications.events')}</legend>
          {EVENT_NAMES.map((name) => (
            <label key={name} className="inline">
              <input
                type="checkbox"
                value={name}
                {...form.register('events', {
                  validate: (v) => v.length > 0 || t('notifications.eventsRequired'),
                })}
              />{' '}
              {t(`notifications.eventName.${name}`)}
            </label>
          ))}
          {errors.events?.message && (
            <small className="field-error" role="alert">
              {errors.events.message}
            </small>
          )}
        </fieldset>
        <Field label={t('notifications.secret')} hint={t('notifications.secretHint')} error={errors.secret?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('secret', {
                required: t('notifications.secretRequired'),
                minLength: { value: 16, message: t('notifications.secretLength') },
                maxLength: { value: 256, message: t('notifications.secretLength') },
              })}
            />
          )}
        </Field>
        <FormActions label={t('notifications.create')} pending={create.isPending} error={create.error} />
      </form>

      <h2 id="webhooks-title" ref={listTitle} tabIndex={-1}>
        {t('notifications.webhooksTitle')}
      </h2>
      <ProblemAlert error={webhooks.error} />
      {webhooks.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : items.length === 0 && !webhooks.error ? (
        <p className="muted">{t('notifications.noWebhooks')}</p>
      ) : (
        <ul className="webhooks" aria-labelledby="webhooks-title">
          {items.map((w) => (
            <WebhookItem
              key={w.id}
              webhook={w}
              onDeleted={(url) => {
                setDone(t('notifications.deleted', { url }));
                // The button pressed is gone with its webhook: focus goes to the list's title.
                listTitle.current?.focus();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

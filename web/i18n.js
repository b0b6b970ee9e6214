// UI strings in English, Ukrainian and Russian (vocabulary: shared/GLOSSARY.md).
// Source is kept as [en, uk, ru] rows so no language can miss a key; `dictionaries` holds one
// dictionary per language built from it.
import { getState, setState } from './store.js';
import DEALS from './i18n-deals.js';
import LEADS from './i18n-leads.js';
import WORK from './i18n-work.js';
import CAL from './i18n-cal.js';

export const LANGS = [
  { code: 'uk', name: 'Українська' },
  { code: 'ru', name: 'Русский' },
  { code: 'en', name: 'English' },
];
const LOCALES = { en: 'en-GB', uk: 'uk-UA', ru: 'ru-RU' };

const S = {
  'app.name': ['Korobka', 'Korobka', 'Korobka'],
  'app.loading': ['Loading…', 'Завантаження…', 'Загрузка…'],
  'app.offline': ['The server does not answer. Check the connection and reload the page.', 'Сервер не відповідає. Перевірте з’єднання та оновіть сторінку.', 'Сервер не отвечает. Проверьте соединение и обновите страницу.'],
  'app.reload': ['Reload', 'Оновити', 'Обновить'],

  // navigation
  'nav.feed': ['Feed', 'Стрічка', 'Лента'],
  'nav.leads': ['Leads', 'Ліди', 'Лиды'],
  'nav.deals': ['Deals', 'Угоди', 'Сделки'],
  'nav.contacts': ['Contacts', 'Контакти', 'Контакты'],
  'nav.companies': ['Companies', 'Компанії', 'Компании'],
  'nav.tasks': ['Tasks', 'Завдання', 'Задачи'],
  'nav.calendar': ['Calendar', 'Календар', 'Календарь'],
  'nav.settings': ['Settings', 'Налаштування', 'Настройки'],
  'nav.soon': ['soon', 'згодом', 'скоро'],
  'nav.soon_hint': ['Not available in this version yet', 'Ще не доступно в цій версії', 'Пока недоступно в этой версии'],
  'nav.menu': ['Menu', 'Меню', 'Меню'],
  'nav.main': ['Main navigation', 'Головна навігація', 'Главная навигация'],
  'unavailable.title': ['{section} is not available yet', 'Розділ «{section}» ще не доступний', 'Раздел «{section}» пока недоступен'],
  'unavailable.text': ['This section is not part of this version of Korobka. It will come in a later version; nothing here is stored or lost meanwhile.', 'Цього розділу немає в цій версії Korobka. Він з’явиться в наступних версіях; поки що тут нічого не зберігається і нічого не втрачається.', 'Этого раздела нет в этой версии Korobka. Он появится в следующих версиях; пока здесь ничего не хранится и ничего не теряется.'],
  'unavailable.go_companies': ['Go to Companies', 'Перейти до компаній', 'Перейти к компаниям'],
  'notfound.title': ['Page not found', 'Сторінку не знайдено', 'Страница не найдена'],
  'notfound.text': ['There is no such page or record, or you have no access to it.', 'Такої сторінки чи запису немає або у вас немає до нього доступу.', 'Такой страницы или записи нет, или у вас нет к ней доступа.'],

  // top bar
  'search.placeholder': ['Search contacts and companies…', 'Пошук контактів і компаній…', 'Поиск контактов и компаний…'],
  'search.label': ['Search', 'Пошук', 'Поиск'],
  'search.none': ['Nothing found', 'Нічого не знайдено', 'Ничего не найдено'],
  'search.searching': ['Searching…', 'Шукаю…', 'Ищу…'],
  'search.hint': ['↑↓ to choose, Enter to open, Esc to close', '↑↓ — вибір, Enter — відкрити, Esc — закрити', '↑↓ — выбор, Enter — открыть, Esc — закрыть'],
  'kind.contact': ['Contact', 'Контакт', 'Контакт'],
  'kind.company': ['Company', 'Компанія', 'Компания'],
  'user.menu': ['User menu', 'Меню користувача', 'Меню пользователя'],
  'user.profile': ['Profile and password', 'Профіль і пароль', 'Профиль и пароль'],
  'user.tokens': ['API tokens', 'API-токени', 'API-токены'],
  'user.language': ['Language', 'Мова', 'Язык'],
  'user.logout': ['Sign out', 'Вийти', 'Выйти'],

  // auth
  'login.title': ['Sign in', 'Вхід', 'Вход'],
  'login.login': ['Login', 'Логін', 'Логин'],
  'login.password': ['Password', 'Пароль', 'Пароль'],
  'login.submit': ['Sign in', 'Увійти', 'Войти'],
  'login.bad_credentials': ['Wrong login or password.', 'Невірний логін або пароль.', 'Неверный логин или пароль.'],
  'login.too_many': ['Too many attempts. Try again in {s} s.', 'Забагато спроб. Спробуйте ще раз через {s} с.', 'Слишком много попыток. Попробуйте снова через {s} с.'],
  'login.tagline': ['CRM for your office', 'CRM для вашого офісу', 'CRM для вашего офиса'],
  'setup.title': ['First run: create the administrator', 'Перший запуск: створіть адміністратора', 'Первый запуск: создайте администратора'],
  'setup.intro': ['Enter the one-time setup token that the server printed on its console, then the administrator account.', 'Введіть одноразовий токен налаштування, який сервер вивів у консоль, і дані облікового запису адміністратора.', 'Введите одноразовый токен настройки, который сервер вывел в консоль, и данные учётной записи администратора.'],
  'setup.token': ['Setup token', 'Токен налаштування', 'Токен настройки'],
  'setup.submit': ['Create administrator', 'Створити адміністратора', 'Создать администратора'],
  'setup.bad_token': ['The setup token is wrong. Copy it from the server console.', 'Невірний токен налаштування. Скопіюйте його з консолі сервера.', 'Неверный токен настройки. Скопируйте его из консоли сервера.'],
  'setup.done': ['Setup is already done. Sign in.', 'Налаштування вже виконано. Увійдіть.', 'Настройка уже выполнена. Войдите.'],

  // common
  'common.save': ['Save', 'Зберегти', 'Сохранить'],
  'common.saving': ['Saving…', 'Збереження…', 'Сохранение…'],
  'common.cancel': ['Cancel', 'Скасувати', 'Отмена'],
  'common.edit': ['Edit', 'Редагувати', 'Редактировать'],
  'common.delete': ['Delete', 'Видалити', 'Удалить'],
  'common.add': ['Add', 'Додати', 'Добавить'],
  'common.remove': ['Remove', 'Прибрати', 'Убрать'],
  'common.close': ['Close', 'Закрити', 'Закрыть'],
  'common.back': ['Back', 'Назад', 'Назад'],
  'common.load_more': ['Load more', 'Завантажити ще', 'Загрузить ещё'],
  'common.total': ['Total: {n}', 'Усього: {n}', 'Всего: {n}'],
  'common.shown': ['shown {n}', 'показано {n}', 'показано {n}'],
  'common.none': ['—', '—', '—'],
  'common.any': ['Any', 'Будь-який', 'Любой'],
  'common.not_set': ['Not set', 'Не вказано', 'Не указано'],
  'common.yes': ['Yes', 'Так', 'Да'],
  'common.no': ['No', 'Ні', 'Нет'],
  'common.empty': ['Nothing here yet.', 'Тут поки нічого немає.', 'Здесь пока ничего нет.'],
  'common.confirm': ['Confirm', 'Підтвердіть', 'Подтвердите'],
  'common.saved': ['Saved', 'Збережено', 'Сохранено'],
  'common.deleted': ['Deleted', 'Видалено', 'Удалено'],
  'common.actions': ['Actions', 'Дії', 'Действия'],
  'common.filters': ['Filters', 'Фільтри', 'Фильтры'],
  'common.reset': ['Reset', 'Скинути', 'Сбросить'],
  'common.sort': ['Sort', 'Сортування', 'Сортировка'],
  'common.sort_by': ['Sort by {f}', 'Сортувати за: {f}', 'Сортировать по: {f}'],
  'common.error': ['Something went wrong', 'Щось пішло не так', 'Что-то пошло не так'],
  'common.fix_fields': ['Check the highlighted fields.', 'Перевірте виділені поля.', 'Проверьте выделенные поля.'],
  'common.copy': ['Copy', 'Копіювати', 'Копировать'],
  'common.copied': ['Copied', 'Скопійовано', 'Скопировано'],
  'common.created': ['Created', 'Створено', 'Создано'],
  'common.updated': ['Updated', 'Змінено', 'Изменено'],
  'common.unknown_user': ['user #{id}', 'користувач #{id}', 'пользователь #{id}'],
  'common.system': ['system', 'система', 'система'],
  'common.kind': ['Kind', 'Тип', 'Тип'],
  'common.value': ['Value', 'Значення', 'Значение'],

  // errors
  'err.network': ['No connection to the server.', 'Немає з’єднання з сервером.', 'Нет соединения с сервером.'],
  'err.forbidden': ['You have no access to this.', 'У вас немає доступу до цього.', 'У вас нет доступа к этому.'],
  'err.csrf': ['Your session expired. Reload the page.', 'Сесія застаріла. Оновіть сторінку.', 'Сессия устарела. Обновите страницу.'],
  'err.not_found': ['Not found.', 'Не знайдено.', 'Не найдено.'],
  'err.conflict': ['Conflict with existing data.', 'Конфлікт з наявними даними.', 'Конфликт с существующими данными.'],
  'err.internal': ['Server error. Try again later.', 'Помилка сервера. Спробуйте пізніше.', 'Ошибка сервера. Попробуйте позже.'],
  'err.payload_too_large': ['Too much data in one request.', 'Забагато даних в одному запиті.', 'Слишком много данных в одном запросе.'],
  'err.bad_request': ['The request was not understood.', 'Запит не зрозуміло.', 'Запрос не понят.'],
  'field.required': ['Required', 'Обов’язкове поле', 'Обязательное поле'],
  'field.too_long': ['Too long', 'Занадто довге', 'Слишком длинное'],
  'field.too_short': ['Too short', 'Занадто коротке', 'Слишком короткое'],
  'field.invalid_email': ['Not a valid e-mail address', 'Некоректна адреса e-mail', 'Некорректный адрес e-mail'],
  'field.invalid_phone': ['Not a valid phone number', 'Некоректний номер телефону', 'Некорректный номер телефона'],
  'field.invalid_url': ['Not a valid web address', 'Некоректна веб-адреса', 'Некорректный веб-адрес'],
  'field.invalid_value': ['Invalid value', 'Недопустиме значення', 'Недопустимое значение'],
  'field.not_found': ['Does not exist (any more)', 'Не існує (вже)', 'Не существует (уже)'],
  'field.taken': ['Already taken', 'Вже зайнято', 'Уже занято'],

  // fields
  'f.name': ['Name', 'Назва', 'Название'],
  'f.full_name': ['Full name', 'Ім’я та прізвище', 'Имя и фамилия'],
  'f.type': ['Type', 'Тип', 'Тип'],
  'f.responsible': ['Responsible', 'Відповідальний', 'Ответственный'],
  'f.phone': ['Phone', 'Телефон', 'Телефон'],
  'f.phones': ['Phones', 'Телефони', 'Телефоны'],
  'f.email': ['E-mail', 'E-mail', 'E-mail'],
  'f.emails': ['E-mails', 'E-mail', 'E-mail'],
  'f.messengers': ['Messengers', 'Месенджери', 'Мессенджеры'],
  'f.website': ['Website', 'Вебсайт', 'Веб-сайт'],
  'f.address': ['Address', 'Адреса', 'Адрес'],
  'f.notes': ['Notes', 'Нотатки', 'Заметки'],
  'f.contacts_count': ['Contacts', 'Контакти', 'Контакты'],
  'f.first_name': ['First name', 'Ім’я', 'Имя'],
  'f.middle_name': ['Middle name', 'По батькові', 'Отчество'],
  'f.last_name': ['Last name', 'Прізвище', 'Фамилия'],
  'f.position': ['Position', 'Посада', 'Должность'],
  'f.company': ['Company', 'Компанія', 'Компания'],
  'f.birthday': ['Birthday', 'День народження', 'День рождения'],
  'f.source': ['Source', 'Джерело', 'Источник'],
  'f.created_at': ['Created', 'Створено', 'Создано'],
  'f.updated_at': ['Updated', 'Змінено', 'Изменено'],
  'f.login': ['Login', 'Логін', 'Логин'],
  'f.password': ['Password', 'Пароль', 'Пароль'],
  'f.role': ['Role', 'Роль', 'Роль'],
  'f.department': ['Department', 'Відділ', 'Отдел'],
  'f.language': ['Language', 'Мова', 'Язык'],
  'f.time_zone': ['Time zone', 'Часовий пояс', 'Часовой пояс'],
  'f.active': ['Active', 'Активний', 'Активен'],
  'f.parent': ['Parent department', 'Батьківський відділ', 'Родительский отдел'],
  'f.head': ['Head', 'Керівник', 'Руководитель'],
  'f.sort': ['Sort order', 'Порядок', 'Порядок'],
  'f.archived': ['Archived', 'В архіві', 'В архиве'],
  'f.label_en': ['Label (English)', 'Назва (англійською)', 'Название (английский)'],
  'f.label_uk': ['Label (Ukrainian)', 'Назва (українською)', 'Название (украинский)'],
  'f.label_ru': ['Label (Russian)', 'Назва (російською)', 'Название (русский)'],
  'f.type_id': ['Type', 'Тип', 'Тип'],
  'f.responsible_id': ['Responsible', 'Відповідальний', 'Ответственный'],
  'f.company_id': ['Company', 'Компанія', 'Компания'],
  'f.current_password': ['Current password', 'Поточний пароль', 'Текущий пароль'],
  'f.new_password': ['New password', 'Новий пароль', 'Новый пароль'],
  'f.password_hint': ['At least 8 characters', 'Щонайменше 8 символів', 'Не менее 8 символов'],

  // kinds
  'phone.work': ['work', 'робочий', 'рабочий'],
  'phone.mobile': ['mobile', 'мобільний', 'мобильный'],
  'phone.home': ['home', 'домашній', 'домашний'],
  'phone.fax': ['fax', 'факс', 'факс'],
  'phone.other': ['other', 'інший', 'другой'],
  'email.work': ['work', 'робочий', 'рабочий'],
  'email.personal': ['personal', 'особистий', 'личный'],
  'email.other': ['other', 'інший', 'другой'],
  'msg.telegram': ['Telegram', 'Telegram', 'Telegram'],
  'msg.viber': ['Viber', 'Viber', 'Viber'],
  'msg.whatsapp': ['WhatsApp', 'WhatsApp', 'WhatsApp'],
  'msg.signal': ['Signal', 'Signal', 'Signal'],
  'msg.skype': ['Skype', 'Skype', 'Skype'],
  'msg.other': ['other', 'інший', 'другой'],
  'rows.add_phone': ['Add phone', 'Додати телефон', 'Добавить телефон'],
  'rows.add_email': ['Add e-mail', 'Додати e-mail', 'Добавить e-mail'],
  'rows.add_messenger': ['Add messenger', 'Додати месенджер', 'Добавить мессенджер'],

  // companies
  'companies.title': ['Companies', 'Компанії', 'Компании'],
  'companies.new': ['New company', 'Нова компанія', 'Новая компания'],
  'companies.edit': ['Edit company', 'Редагування компанії', 'Редактирование компании'],
  'companies.empty': ['No companies yet. Create the first one.', 'Компаній ще немає. Створіть першу.', 'Компаний пока нет. Создайте первую.'],
  'companies.empty_filtered': ['No companies match the filters.', 'Жодна компанія не відповідає фільтрам.', 'Ни одна компания не подходит под фильтры.'],
  'companies.delete_q': ['Delete company “{name}”? Its contacts stay, without a company.', 'Видалити компанію «{name}»? Її контакти залишаться, без компанії.', 'Удалить компанию «{name}»? Её контакты останутся, без компании.'],
  'companies.contacts': ['Contacts of the company', 'Контакти компанії', 'Контакты компании'],
  'companies.add_contact': ['Add contact', 'Додати контакт', 'Добавить контакт'],
  'companies.no_contacts': ['No contacts in this company yet.', 'У цій компанії ще немає контактів.', 'В этой компании пока нет контактов.'],
  'companies.details': ['Details', 'Відомості', 'Сведения'],
  'companies.created': ['Company created', 'Компанію створено', 'Компания создана'],

  // contacts
  'contacts.title': ['Contacts', 'Контакти', 'Контакты'],
  'contacts.new': ['New contact', 'Новий контакт', 'Новый контакт'],
  'contacts.edit': ['Edit contact', 'Редагування контакту', 'Редактирование контакта'],
  'contacts.empty': ['No contacts yet. Create the first one.', 'Контактів ще немає. Створіть перший.', 'Контактов пока нет. Создайте первый.'],
  'contacts.empty_filtered': ['No contacts match the filters.', 'Жоден контакт не відповідає фільтрам.', 'Ни один контакт не подходит под фильтры.'],
  'contacts.delete_q': ['Delete contact “{name}”?', 'Видалити контакт «{name}»?', 'Удалить контакт «{name}»?'],
  'contacts.created': ['Contact created', 'Контакт створено', 'Контакт создан'],
  'contacts.no_name': ['(no name)', '(без імені)', '(без имени)'],
  'contacts.name_hint': ['Fill in the first or the last name.', 'Заповніть ім’я або прізвище.', 'Заполните имя или фамилию.'],
  'picker.search_company': ['Type to find a company…', 'Почніть вводити назву компанії…', 'Начните вводить название компании…'],
  'picker.clear': ['Clear', 'Очистити', 'Очистить'],

  // history
  'history.title': ['History', 'Історія', 'История'],
  'history.custom_field': ['Custom field #{id}', 'Користувацьке поле #{id}', 'Пользовательское поле #{id}'],
  'history.empty': ['No changes recorded.', 'Змін не зафіксовано.', 'Изменений не зафиксировано.'],
  'history.created': ['created the record', 'створив запис', 'создал запись'],
  'history.updated': ['changed', 'змінив', 'изменил'],
  'history.deleted': ['deleted the record', 'видалив запис', 'удалил запись'],

  // settings
  'settings.title': ['Settings', 'Налаштування', 'Настройки'],
  'settings.users': ['Users', 'Користувачі', 'Пользователи'],
  'settings.departments': ['Departments', 'Відділи', 'Отделы'],
  'settings.types': ['Company types', 'Типи компаній', 'Типы компаний'],
  'settings.tokens': ['API tokens', 'API-токени', 'API-токены'],
  'settings.profile': ['Profile', 'Профіль', 'Профиль'],
  'settings.backups': ['Backups', 'Резервні копії', 'Резервные копии'],

  // backups
  'backups.intro': ['A backup is one zip file with all the data: people, companies, contacts, history and files. Download it and keep a copy on another disk or machine.', 'Резервна копія — один zip-файл з усіма даними: люди, компанії, контакти, історія та файли. Завантажте її та зберігайте копію на іншому диску чи комп’ютері.', 'Резервная копия — один zip-файл со всеми данными: люди, компании, контакты, история и файлы. Скачайте её и храните копию на другом диске или компьютере.'],
  'backups.create': ['Back up now', 'Створити копію зараз', 'Создать копию сейчас'],
  'backups.running': ['Backing up…', 'Створення копії…', 'Создание копии…'],
  'backups.done': ['Backup {name} written and verified', 'Копію {name} записано й перевірено', 'Копия {name} записана и проверена'],
  'backups.schedule': ['Daily backup at {at} (server time), the last {keep} are kept', 'Щоденна копія о {at} (час сервера), зберігаються останні {keep}', 'Ежедневная копия в {at} (время сервера), хранятся последние {keep}'],
  'backups.schedule_off': ['Daily backups are off', 'Щоденні копії вимкнено', 'Ежедневные копии выключены'],
  'backups.next': ['next', 'наступна', 'следующая'],
  'backups.last': ['Last daily backup', 'Остання щоденна копія', 'Последняя ежедневная копия'],
  'backups.last_none': ['none yet', 'ще не було', 'ещё не было'],
  'backups.empty': ['No backups yet.', 'Резервних копій ще немає.', 'Резервных копий ещё нет.'],
  'backups.file': ['File', 'Файл', 'Файл'],
  'backups.kind': ['Kind', 'Вид', 'Вид'],
  'backups.kind_manual': ['manual', 'вручну', 'вручную'],
  'backups.kind_auto': ['daily', 'щоденна', 'ежедневная'],
  'backups.kind_pre_migration': ['before upgrade', 'перед оновленням', 'перед обновлением'],
  'backups.kind_other': ['other', 'інша', 'другая'],
  'backups.size': ['Size', 'Розмір', 'Размер'],
  'backups.verified': ['Verified', 'Перевірено', 'Проверено'],
  'backups.download': ['Download', 'Завантажити', 'Скачать'],
  'backups.delete_q': ['Delete backup {name}?', 'Видалити копію {name}?', 'Удалить копию {name}?'],
  'backups.restore_hint': ['To restore a backup, stop the server and run “korobka restore FILE” on it (see README → Backup and restore).', 'Щоб відновити копію, зупиніть сервер і виконайте на ньому «korobka restore ФАЙЛ» (див. README → Backup and restore).', 'Чтобы восстановить копию, остановите сервер и выполните на нём «korobka restore ФАЙЛ» (см. README → Backup and restore).'],
  'users.new': ['New user', 'Новий користувач', 'Новый пользователь'],
  'users.edit': ['Edit user', 'Редагування користувача', 'Редактирование пользователя'],
  'users.show_inactive': ['Show deactivated', 'Показати деактивованих', 'Показать деактивированных'],
  'users.inactive': ['deactivated', 'деактивований', 'деактивирован'],
  'users.role.admin': ['Administrator', 'Адміністратор', 'Администратор'],
  'users.role.user': ['User', 'Користувач', 'Пользователь'],
  'users.set_password': ['Set a new password', 'Встановити новий пароль', 'Установить новый пароль'],
  'users.password_set': ['Password changed', 'Пароль змінено', 'Пароль изменён'],
  'users.active_hint': ['A deactivated user cannot sign in; their sessions and API tokens stop working.', 'Деактивований користувач не може увійти; його сесії та API-токени перестають працювати.', 'Деактивированный пользователь не может войти; его сессии и API-токены перестают работать.'],
  'users.created': ['User created', 'Користувача створено', 'Пользователь создан'],
  'dep.add_root': ['Add department', 'Додати відділ', 'Добавить отдел'],
  'dep.add_child': ['Add sub-department', 'Додати підвідділ', 'Добавить подотдел'],
  'dep.rename': ['Rename', 'Перейменувати', 'Переименовать'],
  'dep.move': ['Move', 'Перемістити', 'Переместить'],
  'dep.root': ['(top level)', '(верхній рівень)', '(верхний уровень)'],
  'dep.delete_q': ['Delete department “{name}”?', 'Видалити відділ «{name}»?', 'Удалить отдел «{name}»?'],
  'dep.conflict': ['The department has sub-departments or users; move them first.', 'У відділі є підвідділи або користувачі; спершу перемістіть їх.', 'В отделе есть подотделы или пользователи; сначала переместите их.'],
  'dep.empty': ['No departments yet.', 'Відділів ще немає.', 'Отделов пока нет.'],
  'dep.edit': ['Department', 'Відділ', 'Отдел'],
  'types.add': ['Add type', 'Додати тип', 'Добавить тип'],
  'types.archive': ['Archive', 'В архів', 'В архив'],
  'types.unarchive': ['Restore', 'Відновити', 'Восстановить'],
  'types.in_use': ['Companies use this type; archive it instead.', 'Цей тип використовують компанії; перенесіть його в архів.', 'Этот тип используют компании; перенесите его в архив.'],
  'types.delete_q': ['Delete type “{name}”?', 'Видалити тип «{name}»?', 'Удалить тип «{name}»?'],
  'types.hint': ['Lower sort numbers come first. Archived types stay on existing companies but are not offered for new ones.', 'Менші числа порядку йдуть першими. Архівні типи лишаються в наявних компаній, але не пропонуються для нових.', 'Меньшие числа порядка идут первыми. Архивные типы остаются у существующих компаний, но не предлагаются для новых.'],
  'tokens.intro': ['API tokens let scripts and other programs use the REST API on your behalf (header “Authorization: Bearer …”).', 'API-токени дають скриптам та іншим програмам доступ до REST API від вашого імені (заголовок «Authorization: Bearer …»).', 'API-токены дают скриптам и другим программам доступ к REST API от вашего имени (заголовок «Authorization: Bearer …»).'],
  'tokens.name': ['Token name', 'Назва токена', 'Название токена'],
  'tokens.create': ['Create token', 'Створити токен', 'Создать токен'],
  'tokens.prefix': ['Prefix', 'Префікс', 'Префикс'],
  'tokens.last_used': ['Last used', 'Останнє використання', 'Последнее использование'],
  'tokens.never': ['never', 'ніколи', 'никогда'],
  'tokens.revoke': ['Revoke', 'Відкликати', 'Отозвать'],
  'tokens.revoke_q': ['Revoke token “{name}”? Programs using it stop working.', 'Відкликати токен «{name}»? Програми, що ним користуються, перестануть працювати.', 'Отозвать токен «{name}»? Программы, использующие его, перестанут работать.'],
  'tokens.shown_once': ['Copy the token now: it is shown only once.', 'Скопіюйте токен зараз: він показується лише один раз.', 'Скопируйте токен сейчас: он показывается только один раз.'],
  'tokens.empty': ['No API tokens.', 'API-токенів немає.', 'API-токенов нет.'],
  'profile.saved': ['Profile saved', 'Профіль збережено', 'Профиль сохранён'],
  'profile.password': ['Change password', 'Змінити пароль', 'Сменить пароль'],
  'profile.password_changed': ['Password changed', 'Пароль змінено', 'Пароль изменён'],
  'profile.wrong_password': ['The current password is wrong.', 'Поточний пароль невірний.', 'Текущий пароль неверен.'],
};

Object.assign(S, DEALS, LEADS, CAL, WORK);
export const dictionaries = { en: {}, uk: {}, ru: {} };
for (const [k, [en, uk, ru]] of Object.entries(S)) {
  dictionaries.en[k] = en; dictionaries.uk[k] = uk; dictionaries.ru[k] = ru;
}

export function t(key, vars) {
  const lang = getState().lang;
  let s = (dictionaries[lang] && dictionaries[lang][key]) ?? dictionaries.en[key];
  if (s === undefined) { console.warn('i18n: missing key', key); s = key; }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, v) => (vars[v] ?? m));
  return s;
}

const LS_KEY = 'korobka.lang';
export function guessLang() {
  const saved = localStorage.getItem(LS_KEY);
  if (saved && dictionaries[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const c = String(l).slice(0, 2).toLowerCase();
    if (c === 'uk' || c === 'ru' || c === 'en') return c;
  }
  return 'en';
}
export function setLang(lang, remember = true) {
  if (!dictionaries[lang]) lang = 'en';
  if (remember) localStorage.setItem(LS_KEY, lang);
  document.documentElement.lang = lang;
  setState({ lang });
}

function tz() {
  const s = getState().session;
  return (s && s.user && s.user.time_zone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
function fmt(opts) {
  const loc = LOCALES[getState().lang] || 'en-GB';
  try { return new Intl.DateTimeFormat(loc, { ...opts, timeZone: tz() }); }
  catch { return new Intl.DateTimeFormat(loc, opts); }
}
export function fmtDateTime(iso) {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return fmt({ dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
// Compact date for dense list columns ("29.11.2026"); the full time is in the cell's title.
export function fmtDateShort(iso) {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return fmt({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
export function fmtDate(iso) {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return fmt({ dateStyle: 'medium' }).format(d);
}
// A calendar date ("1990-05-01") has no zone: format it as-is.
export function fmtDay(ymd) {
  if (!ymd) return t('common.none');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(LOCALES[getState().lang] || 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}
export function fmtNumber(n) {
  return new Intl.NumberFormat(LOCALES[getState().lang] || 'en-GB').format(n);
}
export function timeZones(current) {
  let zones;
  try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = ['Europe/Kyiv', 'Europe/Warsaw', 'Europe/Berlin', 'Europe/London']; }
  // Chromium's list has neither "UTC" nor legacy aliases such as "Europe/Kiev"; a <select> without the current
  // value would silently show (and then save) the first zone of the list instead.
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  if (current && !zones.includes(current)) zones = [current, ...zones];
  return zones;
}

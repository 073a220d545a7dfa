/**
 * What the demo business sells and where: a Tehran group with a restaurant chain, clothing shops
 * and a travel agency sharing one customer club. Prices are in Iranian rials (IRR), the currency
 * of the books; ten rials make a toman.
 */
export type Business = 'restaurant' | 'retail' | 'travel';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  /** Rials. */
  readonly price: number;
}

export const CURRENCY = 'IRR';

export const MENU: readonly Product[] = [
  { sku: 'kabab-koobideh', name: 'Kabab koobideh', category: 'food', price: 450_000 },
  { sku: 'joojeh-kabab', name: 'Joojeh kabab', category: 'food', price: 520_000 },
  { sku: 'kabab-barg', name: 'Kabab barg', category: 'food', price: 890_000 },
  { sku: 'ghormeh-sabzi', name: 'Chelo ghormeh sabzi', category: 'food', price: 380_000 },
  { sku: 'zereshk-polo', name: 'Zereshk polo ba morgh', category: 'food', price: 420_000 },
  { sku: 'dizi', name: 'Dizi sangi', category: 'food', price: 350_000 },
  { sku: 'fesenjan', name: 'Chelo fesenjan', category: 'food', price: 480_000 },
  { sku: 'mirza-ghasemi', name: 'Mirza ghasemi', category: 'food', price: 240_000 },
];
export const SIDES: readonly Product[] = [
  { sku: 'salad-shirazi', name: 'Salad shirazi', category: 'side', price: 90_000 },
  { sku: 'mast-khiar', name: 'Mast-o-khiar', category: 'side', price: 80_000 },
  { sku: 'tahdig', name: 'Tahdig', category: 'side', price: 120_000 },
  { sku: 'doogh', name: 'Doogh', category: 'drink', price: 60_000 },
  { sku: 'chai', name: 'Chai with nabat', category: 'drink', price: 45_000 },
  { sku: 'faloodeh', name: 'Faloodeh', category: 'dessert', price: 110_000 },
  { sku: 'sholeh-zard', name: 'Sholeh zard', category: 'dessert', price: 95_000 },
];
export const CLOTHES: readonly Product[] = [
  { sku: 'manteau-linen', name: 'Linen manteau', category: 'clothing', price: 2_400_000 },
  { sku: 'shirt-cotton', name: 'Cotton shirt', category: 'clothing', price: 950_000 },
  { sku: 'roosari-silk', name: 'Silk roosari', category: 'accessories', price: 650_000 },
  { sku: 'jeans', name: 'Jeans', category: 'clothing', price: 1_800_000 },
  { sku: 'sneakers', name: 'Sneakers', category: 'shoes', price: 2_900_000 },
  { sku: 'kids-tshirt', name: 'Kids t-shirt', category: 'kids', price: 450_000 },
  { sku: 'scarf-wool', name: 'Wool scarf', category: 'accessories', price: 520_000 },
];
export const TOURS: readonly Product[] = [
  { sku: 'tour-kish-3n', name: 'Kish island, 3 nights', category: 'domestic-tour', price: 18_500_000 },
  { sku: 'tour-mashhad-2n', name: 'Mashhad, 2 nights', category: 'domestic-tour', price: 9_800_000 },
  { sku: 'tour-shiraz-3n', name: 'Shiraz and Persepolis, 3 nights', category: 'domestic-tour', price: 12_600_000 },
  { sku: 'tour-istanbul-4n', name: 'Istanbul, 4 nights', category: 'international-tour', price: 46_000_000 },
  { sku: 'tour-antalya-7n', name: 'Antalya, 7 nights', category: 'international-tour', price: 72_000_000 },
  { sku: 'tour-tbilisi-4n', name: 'Tbilisi, 4 nights', category: 'international-tour', price: 39_000_000 },
];
export const TRAVEL_SERVICES: readonly Product[] = [
  { sku: 'visa-service', name: 'Visa application service', category: 'service', price: 4_500_000 },
  { sku: 'travel-insurance', name: 'Travel insurance', category: 'insurance', price: 1_200_000 },
  { sku: 'airport-transfer', name: 'Airport transfer', category: 'service', price: 900_000 },
];

export const RESTAURANT_BRANCHES = ['valiasr', 'tajrish', 'saadat-abad', 'pasdaran', 'isfahan-chaharbagh', 'shiraz-zand'] as const;
export const SHOPS = ['palladium', 'iran-mall', 'kourosh'] as const;
export const BRANCH_LOCATION: Readonly<Record<string, string>> = {
  valiasr: 'Tehran, Valiasr',
  tajrish: 'Tehran, Tajrish',
  'saadat-abad': 'Tehran, Saadat Abad',
  pasdaran: 'Tehran, Pasdaran',
  'isfahan-chaharbagh': 'Isfahan, Chaharbagh',
  'shiraz-zand': 'Shiraz, Zand',
  palladium: 'Tehran, Palladium mall',
  'iran-mall': 'Tehran, Iran Mall',
  kourosh: 'Tehran, Kourosh mall',
  'travel-desk': 'Tehran, Vanak square',
};

export const WEB_PAGES: Readonly<Record<Business, readonly string[]>> = {
  restaurant: ['/menu', '/menu/kabab', '/branches', '/reservations', '/club'],
  retail: ['/shop/new-collection', '/shop/manteau', '/shop/sale', '/shop/kids', '/club'],
  travel: ['/tours/kish', '/tours/istanbul', '/tours/antalya', '/visa', '/tours/nowruz'],
};

/** What club members tell the sign-up form, by the business they care about. */
export const PREFERENCE_CHOICES: Readonly<Record<Business, Readonly<Record<string, readonly string[]>>>> = {
  restaurant: {
    sauce: ['no spicy sauce', 'extra garlic sauce', 'sumac on the side'],
    seating: ['window table', 'quiet corner', 'family section', 'terrace'],
    diet: ['vegetarian', 'no dairy', 'low salt', 'gluten free'],
    drink: ['doogh', 'chai with nabat', 'no ice'],
  },
  retail: {
    size: ['S', 'M', 'L', 'XL'],
    style: ['classic', 'casual', 'sport'],
    colour: ['navy', 'beige', 'black', 'olive'],
  },
  travel: {
    seat: ['aisle', 'window'],
    room: ['non-smoking', 'sea view', 'twin beds'],
    meal: ['vegetarian meal', 'halal', 'no preference'],
  },
};

export const COMPLAINTS: Readonly<Record<Business, readonly { topic: string; reason: string }[]>> = {
  restaurant: [
    { topic: 'delivery', reason: 'cold food' },
    { topic: 'delivery', reason: 'late delivery' },
    { topic: 'order', reason: 'missing item' },
    { topic: 'order', reason: 'spicy sauce despite the note' },
  ],
  retail: [
    { topic: 'product', reason: 'wrong size' },
    { topic: 'product', reason: 'torn seam' },
  ],
  travel: [
    { topic: 'tour', reason: 'hotel changed without notice' },
    { topic: 'tour', reason: 'flight delay not communicated' },
  ],
};

export const INQUIRY_TOPICS: Readonly<Record<Business, readonly string[]>> = {
  restaurant: ['reservation', 'opening hours', 'order status', 'catering'],
  retail: ['stock check', 'return policy', 'order status'],
  travel: ['tour booking', 'visa documents', 'passport validity', 'payment by instalments'],
};

export const POSITIVE_POSTS = [
  'Best kabab in town',
  'کباب عالی بود، مثل همیشه',
  'Loved the new spring collection',
  'Kish trip was perfectly organised, thanks!',
  'Friendly staff at the Tajrish branch',
  'تور استانبول فوق‌العاده بود',
] as const;
export const NEUTRAL_POSTS = ['Trying the new menu tonight', 'Anyone been to the Antalya tour?', 'Nowruz shopping done', 'خرید عید تمام شد'] as const;
export const NEGATIVE_POSTS = [
  'Waited 50 minutes for a cold delivery',
  'غذا سرد رسید و کسی جواب تلفن را نداد',
  'Hotel was not the one we booked',
  'Asked for no spicy sauce. Again spicy.',
] as const;

export const FIRST_NAMES = [
  'Sara', 'Maryam', 'Fatemeh', 'Zahra', 'Narges', 'Niloufar', 'Shirin', 'Parisa', 'Leila', 'Mina', 'Elham', 'Samira', 'Roya', 'Azadeh', 'Mahsa', 'Yasaman',
  'Reza', 'Ali', 'Mohammad', 'Hossein', 'Amir', 'Mehdi', 'Hamid', 'Saeed', 'Behnam', 'Kaveh', 'Arash', 'Babak', 'Dariush', 'Farhad', 'Navid', 'Omid', 'Pouya', 'Sina',
] as const;
export const LAST_NAMES = [
  'Ahmadi', 'Hosseini', 'Mohammadi', 'Rezaei', 'Moradi', 'Karimi', 'Jafari', 'Rahimi', 'Hashemi', 'Sadeghi', 'Ghasemi', 'Kazemi', 'Tehrani', 'Shirazi',
  'Esfahani', 'Tabrizi', 'Najafi', 'Mousavi', 'Ebrahimi', 'Farahani', 'Nouri', 'Bagheri', 'Zand', 'Amini', 'Golzar', 'Rostami', 'Sharifi', 'Vaziri',
] as const;
export const CITIES: readonly (readonly [string, number])[] = [
  ['Tehran', 60],
  ['Karaj', 8],
  ['Isfahan', 10],
  ['Shiraz', 9],
  ['Mashhad', 6],
  ['Tabriz', 4],
  ['Rasht', 3],
];

/** Mobile prefixes of Iranian operators (MCI 091x/0990, Irancell 093x/090x, RighTel 092x). */
export const MOBILE_PREFIXES = ['912', '913', '914', '915', '917', '919', '990', '935', '936', '937', '938', '939', '901', '902', '903', '921', '922'] as const;

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com'] as const;
